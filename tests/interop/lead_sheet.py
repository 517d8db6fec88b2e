"""A lead sheet with a piano and a bass line, as ops: chord symbols of every quality the studio writes
(slash chords, N.C., changes in the middle of a held note and over rests), for the notation tests."""
from composer_ui.interop.harmony import KINDS
from composer_ui.state import apply_ops, empty_state

MODEL = {"kind": "model", "name": "gridcoco@1.0.0+20261126"}
BAR = 1920


def lead_sheet_ops(*, bars=8, with_every_quality=False):
    ops = [{"op": "piece.update", "title": "Lead sheet", "bars": bars, "key": "F major", "tempo": 100},
           {"op": "track.add", "id": "mel", "name": "Melody", "program": 0},
           {"op": "track.add", "id": "pno", "name": "Piano", "program": 0},
           {"op": "track.add", "id": "bas", "name": "Bass", "program": 32}]
    melody = [72, 74, 76, 77, 79, 77, 76, 74, 72, 70, 69, 67, 65, 67, 69, 65]
    for i in range(bars * 2):  # half notes, a rest every fourth
        if i % 4 != 3:
            ops.append({"op": "note.add", "id": f"m{i}", "track": "mel", "start": i * 960, "duration": 960,
                        "pitch": melody[i % len(melody)]})
    progression = ["F", "Dm7", "Gm7", "C7", "Bbmaj7", "A7b9", "Dm/C", "N.C."]
    roots = {"F": 41, "Dm7": 38, "Gm7": 43, "C7": 36, "Bbmaj7": 46, "A7b9": 45, "Dm/C": 36, "N.C.": None}
    for bar in range(bars):
        symbol = progression[bar % len(progression)]
        # Two chords in bar 2: the second changes under a held melody note (beat 2).
        if bar == 1:
            ops.append({"op": "chord.add", "id": f"c{bar}a", "start": bar * BAR, "duration": 480, "symbol": "Dm"})
            ops.append({"op": "chord.add", "id": f"c{bar}", "start": bar * BAR + 480, "duration": 1440, "symbol": symbol})
        else:
            ops.append({"op": "chord.add", "id": f"c{bar}", "start": bar * BAR, "duration": BAR, "symbol": symbol})
        root = roots[symbol]
        if root is None:
            continue
        for beat in range(4):
            op = {"op": "note.add", "id": f"b{bar}-{beat}", "track": "bas", "start": bar * BAR + beat * 480,
                  "duration": 480, "pitch": root + (7 if beat % 2 else 0)}
            if bar == 3:
                op["provenance"] = {"author": MODEL, "job": 7, "candidate": 0, "accepted_by": {"kind": "user", "id": 1}}
            ops.append(op)
        ops.append({"op": "note.add", "id": f"p{bar}-l", "track": "pno", "start": bar * BAR, "duration": BAR,
                    "pitch": root - 12 if root >= 40 else root})
        for j, step in enumerate((16, 19, 22)):
            ops.append({"op": "note.add", "id": f"p{bar}-{j}", "track": "pno", "start": bar * BAR, "duration": 960,
                        "pitch": root + step + 12})
    if with_every_quality:
        start = bars * BAR
        ops[0]["bars"] = bars + len(KINDS)
        for i, quality in enumerate(KINDS):
            symbol = ("Bb" if i % 2 else "F#") + quality + ("/D" if i % 3 == 0 else "")
            ops.append({"op": "chord.add", "id": f"q{i}", "start": start + i * BAR, "duration": BAR, "symbol": symbol})
    return ops


def lead_sheet_state(**kwargs):
    return apply_ops(empty_state(), lead_sheet_ops(**kwargs), {"kind": "user", "id": 1})
