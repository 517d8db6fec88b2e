"""A real daphne (python -m studio.serve, the transport limits included) with its own SQLite, and a
member with a logged-in session, for the tests that need real frames and real handshakes."""
import json

from tests.studio_server import StudioServer

MEMBER_SCRIPT = """
import json
from django.conf import settings
from django.test import Client
from tests.composer_ui.factories import make_user
from tests.hostile.harness import fuzz_piece_build
owner = make_user("hostile-owner")
piece = fuzz_piece_build(owner)
client = Client()
client.force_login(owner)
print(json.dumps({"piece": piece.pk, "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}))
"""


class Daphne(StudioServer):
    def __init__(self):
        super().__init__(prefix="studio-hostile-")
        made = json.loads(self.manage("shell", "-c", MEMBER_SCRIPT).strip().splitlines()[-1])
        self.piece_id, self.cookie = made["piece"], made["cookie"]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"ws://127.0.0.1:{self.port}/ws/pieces/{self.piece_id}/"

    def close(self):
        self.stop()  # the log is read after the server stops, then remove() cleans up
