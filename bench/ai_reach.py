"""
The AI on music people bring, tried as a new user would: real scores from music21's corpus (none
of them chorales) imported as files, then the AI asked through the studio's own services with the
shipped checkpoint, and its answer accepted. Prints what each request got.

    python -m bench.ai_reach

1. a 6/8 jig (Aird's Airs, via MIDI), continued by 4 bars;
2. a piano rag with chords in both hands (Joplin, via MusicXML), one bar of the right hand infilled;
3. a 5-voice madrigal (Monteverdi, via MusicXML), one voice varied over two bars;
4. a melody written in 2/4 in the page's way (a Melody piece, notes added), harmonized;
5. a four-bar hymn melody, harmonized, then continued alone by four bars (a melody, not a drone).
"""
import sys
import tempfile
from pathlib import Path

from ._studio import studio_env, use_env

HYMN = [67, 71, 74, 72, 71, 69, 67, 69, 71, 72, 74, 71, 67]
HYMN_BEATS = [1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 3, 1]
TWO_FOUR = [(64, 1), (67, 1), (72, 2), (71, 1), (69, 1), (67, 2), (65, 1), (64, 1), (62, 1), (65, 1),
            (64, 2), (60, 2)]        # quarter = 1: eight bars of 2/4 in C, written here


def score_bytes(work, fmt, number=None, measures=None):
    from music21 import corpus
    score = corpus.parse(work, number=number) if number else corpus.parse(work)
    if measures:
        score = score.measures(*measures)
    path = Path(tempfile.mkdtemp()) / ("x.mid" if fmt == "midi" else "x.musicxml")
    score.write(fmt, fp=str(path))
    return path.read_bytes()


def setup():
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    return get_user_model().objects.create_user("newcomer", first_name="New", password="not-used-0")


def ask(piece_id, user, operation, tracks, bars, **controls):
    from unittest import mock
    from composer_ui import jobs, services
    with mock.patch("composer_ui.jobs.enqueue"):
        job = services.generation_request(piece_id=piece_id, user=user, operation=operation, tracks=tracks,
                                          bars=list(bars), candidates=4, seed=1, controls=controls)
    return jobs.generation_run(job_id=job.pk)


def report(label, job, state, bars):
    from composer_ui import services
    if job.status != "ready":
        print(f"- {label}: {job.status}: {job.reason}")
        return
    cand = job.proposal.candidates[0]["notes"]
    names = {t["id"]: t["name"] for t in state["tracks"]}
    per = {}
    for n in cand:
        per.setdefault(names[n["track"]], []).append(n)
    said = "; ".join(job.proposal.provenance.get("warnings", [])) or "none"
    print(f"- {label}: ready, candidate 1 writes " + ", ".join(
        f"{name} {len(ns)} notes ({len(ns) / bars:.1f} per bar, {len({n['pitch'] for n in ns})} pitches, "
        f"{max(len([m for m in ns if m['start'] == n['start']]) for n in ns)} at once at most)"
        for name, ns in per.items()) + f". The model said: {said}")
    services.proposal_decide(piece_id=job.piece_id, job_id=job.pk, user=job.piece.owner, accept=0, auditioned=[0])


def tracks_named(state, *names):
    return [t["id"] for t in state["tracks"] if t["name"] in names]


def run():
    user = setup()
    from composer_ui import selectors, services
    from composer_ui.interop.services import import_new_piece
    from composer_ui.piece_templates import TEMPLATES

    jig = import_new_piece(user=user, file_name="jig.mid", data=score_bytes("airdsAirs/book1.abc", "midi", number=47))
    state = selectors.piece_state(piece_id=jig.piece_id)[1]
    bars = state["piece"]["bars"]
    job = ask(jig.piece_id, user, "continue", [state["tracks"][0]["id"]], (bars, bars + 4))
    report(f"6/8 jig ({state['piece']['time_signature']}), continue 4 bars", job, state, 4)

    rag = import_new_piece(user=user, file_name="rag.musicxml",
                           data=score_bytes("joplin/maple_leaf_rag", "musicxml", measures=(1, 8)))
    state = selectors.piece_state(piece_id=rag.piece_id)[1]
    right = state["tracks"][0]["id"]
    job = ask(rag.piece_id, user, "infill", [right], (4, 5))
    report(f"piano rag, {len(state['tracks'])} tracks, infill bar 5 of the right hand", job, state, 1)

    mad = import_new_piece(user=user, file_name="madrigal.musicxml",
                           data=score_bytes("monteverdi/madrigal.3.1", "musicxml", measures=(1, 8)))
    state = selectors.piece_state(piece_id=mad.piece_id)[1]
    job = ask(mad.piece_id, user, "vary", [state["tracks"][2]["id"]], (2, 4))
    report(f"madrigal, {len(state['tracks'])} voices, vary the third voice over bars 3-4", job, state, 2)

    piece = services.piece_create(owner=user, title="Two-four", time_signature=(2, 4), key="C major", bars=8,
                                  tracks=TEMPLATES["melody"][2] + [{"name": n, "program": 52} for n in ("Alto", "Tenor", "Bass")])
    state = selectors.piece_state(piece_id=piece.pk)[1]
    melody, t = state["tracks"][0]["id"], 0
    ops = []
    for i, (p, q) in enumerate(TWO_FOUR):
        ops.append({"op": "note.add", "id": f"m{i}", "track": melody, "start": t, "duration": q * 480, "pitch": p})
        t += q * 480
    services.ops_apply(piece_id=piece.pk, user=user, ops=ops, client_op_id=None)
    job = ask(piece.pk, user, "harmonize", tracks_named(state, "Alto", "Tenor", "Bass"), (0, 8))
    report("a melody in 2/4, harmonize 8 bars", job, state, 8)

    piece = services.piece_create(owner=user, title="Hymn", key="G major", bars=16,
                                  tracks=TEMPLATES["satb"][2])
    state = selectors.piece_state(piece_id=piece.pk)[1]
    soprano, t, ops = state["tracks"][0]["id"], 0, []
    for i, (p, q) in enumerate(zip(HYMN, HYMN_BEATS)):
        ops.append({"op": "note.add", "id": f"h{i}", "track": soprano, "start": t, "duration": q * 480, "pitch": p})
        t += q * 480
    services.ops_apply(piece_id=piece.pk, user=user, ops=ops, client_op_id=None)
    job = ask(piece.pk, user, "harmonize", [t["id"] for t in state["tracks"][1:]], (0, 4))
    report("a four-bar hymn, harmonize", job, state, 4)
    job = ask(piece.pk, user, "continue", [soprano], (4, 8))
    report("the hymn's melody, continued alone by 4 bars", job, state, 4)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        use_env(studio_env(tmp))
        run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
