"""The tiny neural backend, made slow on purpose so that a fault lands in the middle of a job."""
import os
import time

from tests.composer_ui.tiny_engine import TinyGenerator


class SlowTinyGenerator(TinyGenerator):
    def generate(self, request):
        time.sleep(float(os.environ.get("STUDIO_SLOW_GENERATION_SECONDS", "3")))
        return super().generate(request)
