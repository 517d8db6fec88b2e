"""A second model, tried as a new user would: `make run` with two lines of settings, plus one model server
(`python -m engine.serve`) on another port. The model appears in the AI panel with its own controls, its
notes are credited to it in the MIDI export, and the owner's AI policy can take it away again. On a
1366x768 laptop, with the model choice showing, nothing overflows and the AI's controls stay on screen."""
import io
import json
import os

import mido
import pytest
from playwright.sync_api import expect

from deploy.processes import ROOT, Server, free_port
from tests.engine.model_server import TOKEN, ModelServer, started

from .conftest import screenshot
from .journey import (assert_ai_controls_on_screen, assert_fits, create_piece, draw_melody, model_notes,
                      sign_up_from_home, wait_for_proposal)


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory):
    server, = started(ModelServer("engine.examples.midi_adapter.MidiAdapter", tmp_path_factory.mktemp("walk")))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def made_run(walk_server, tmp_path_factory):
    """`make run` on a free port, with the two lines of docs/deploy.md ("A second model") in its environment.
    `-o .venv/.installed`: the install step of `make run` already ran (make test's own `install`)."""
    var = tmp_path_factory.mktemp("studio-var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(STUDIO_VAR_DIR=str(var), PYTHONUNBUFFERED="1",
               # the two lines:
               STUDIO_MODELS=json.dumps([{"name": "gridcoco"},
                                         {"name": "walk", "url": walk_server.url, "token_env": "WALK_TOKEN"}]),
               WALK_TOKEN=TOKEN)
    port = free_port()
    server = Server(["make", "--no-print-directory", "-o", ".venv/.installed", "run", f"PORT={port}"], port=port,
                    env=env, log_path=var / "make-run.log", name="make run", cwd=ROOT)
    server.start(timeout=120)
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_a_second_model_appears_in_the_panel_and_its_notes_are_credited_to_it(made_run, walk_server, new_page):
    ana = new_page(1366, 768)
    sign_up_from_home(ana, made_run, "Ana")
    create_piece(ana, "Two models", "Melody")
    draw_melody(ana, [60, 62, 64, 65])

    # Both models are offered; the second one's controls are its own (one slider; no "vary").
    expect(ana.locator("#ai-model-row")).to_be_visible()
    assert ana.locator("#ai-model-choice option").all_inner_texts() == ["gridcoco", "walk"]
    ana.select_option("#ai-model-choice", "walk")
    expect(ana.locator("#ai-model")).to_have_text("midi-walk 0.1")
    expect(ana.locator("#ai-operation option[value=vary]")).to_be_disabled()
    assert ana.evaluate("[...document.querySelectorAll('#ai-controls [data-control]')].map(e => e.dataset.control)") \
        == ["temperature"]

    ana.select_option("#ai-operation", "continue")
    ana.get_by_role("button", name="Ask the AI").click()
    wait_for_proposal(ana)
    expect(ana.locator("#ai-from")).to_have_text("from walk")
    assert_fits(ana, "a proposal from the second model")
    assert_ai_controls_on_screen(ana)
    screenshot(ana, "second-model-1366")
    ana.locator("#ai-accept").click()
    ana.wait_for_function("Object.values(window.studio.room.view.notes).some(n => n.author.kind === 'model')")
    assert {n["author"]["name"] for n in model_notes(ana)} == {"midi-walk@0.1"}

    # The MIDI export credits the model, with its checksum and where it ran.
    piece = ana.evaluate("window.studio.pieceId")
    midi = mido.MidiFile(file=io.BytesIO(ana.request.get(f"{made_run}/api/pieces/{piece}/export/midi/").body()))
    texts = [m.text for m in midi.tracks[0] if m.type in ("text", "marker")]
    assert any(t.startswith("Contributors: Ana; AI: midi-walk@0.1") for t in texts), texts
    assert any(t.startswith("AI model midi-walk 0.1 (checksum") and f"run at {walk_server.url}, chosen as walk" in t
               for t in texts), texts

    # The owner allows only the first model: the panel stops offering the second.
    ana.get_by_role("button", name="Piece settings").click()
    ana.locator("[name=ai_models_all]").uncheck()
    ana.locator("[name=ai_models][value=walk]").uncheck()
    ana.get_by_role("button", name="Save").click()
    ana.wait_for_function("JSON.stringify(window.studio.room.view.piece.ai_models) === '[\"gridcoco\"]'")
    expect(ana.locator("#ai-model-choice option")).to_have_text(["gridcoco"])
    expect(ana.locator("#ai-model")).to_contain_text("gridcoco")
