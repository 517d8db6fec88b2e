"""B1: thousands of generated messages through the real RoomConsumer, each applied or refused cleanly.

The frames come from the op grammar (strategies.py) and its mutations; the harness checks after
every frame that the room is alive, a refusal is one clear `error` that changed nothing, and an
acceptance changed the piece by exactly what was acknowledged. Every few hundred frames, and at
the end, the head state must equal a fresh replay of the event log.
"""
import pytest
from channels.db import database_sync_to_async as db

from tests.composer_ui.factories import make_user, room

from .conftest import fuzz_messages
from .harness import SENT, HostileRoom, drain_jobs, fuzz_piece_build, generated
from .strategies import any_hostile_text

pytestmark = pytest.mark.django_db(transaction=True)
FRAMES_PER_PIECE = 1_500  # a fresh piece now and then keeps the state (and each check) small
CHECKPOINT_EVERY = 250


async def test_generated_frames_are_applied_or_refused_cleanly(unthrottled, error_log, fuzz_seed):
    frames = generated(any_hostile_text(), fuzz_messages(), fuzz_seed)
    SENT["seed"] = fuzz_seed
    owner, editor = await db(make_user)(), await db(make_user)()
    for start in range(0, len(frames), FRAMES_PER_PIECE):
        # Alternate who sends: the owner may change everything, an editor meets the owner-only refusals.
        sender = owner if (start // FRAMES_PER_PIECE) % 2 == 0 else editor
        piece = await db(fuzz_piece_build)(owner, editors=[editor])
        async with room(sender, piece.pk) as ws:
            hostile = await HostileRoom(ws, piece.pk, error_log).start()
            for index, frame in enumerate(frames[start:start + FRAMES_PER_PIECE], 1):
                await hostile.send(frame)
                if index % CHECKPOINT_EVERY == 0:
                    await hostile.assert_log_replays_to_head()
            await hostile.assert_log_replays_to_head()
        await db(drain_jobs)(piece.pk)
    assert not error_log
    print(f"\nfuzz: {len(frames)} generated frames (seed {fuzz_seed}; replay with STUDIO_FUZZ_SEED={fuzz_seed})")
