"""Small hand-made pieces for tests and examples (like note-seq's testing_lib)."""
from engine.api import Note, Piece, Track

MELODY = [67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 71, 69, 67, 67]   # G major, 4 bars of quarters
BASS = [43, 47, 45, 43, 48, 43, 45, 47, 45, 43, 40, 38, 43, 45, 47, 43]


def melody_notes(track=0, pitches=MELODY, step=480):
    return [Note(track, i * step, step, p, 90) for i, p in enumerate(pitches)]


def satb_piece(bars=4, ts="4/4"):
    """Four voices of quarter notes (G major chords, voice-led plainly)."""
    S = MELODY * (bars // 4 + 1)
    A = [62, 62, 64, 62, 64, 62, 64, 62] * bars
    T = [59, 59, 57, 59, 55, 59, 57, 55] * bars
    B = BASS * (bars // 4 + 1)
    q = 4 if ts == "4/4" else 3
    n = bars * q
    notes = []
    for tr, ps in enumerate((S, A, T, B)):
        notes += [Note(tr, i * 480, 480, ps[i], 80) for i in range(n)]
    return Piece(tracks=[Track(i, n) for i, n in enumerate(("S", "A", "T", "B"))], notes=notes, time_signature=ts)
