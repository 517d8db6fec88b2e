"""``manage.py sweep_jobs``: re-queue or fail generation jobs whose worker vanished.

A process of its own in production (deploy/systemd/studio-sweeper.service), not a Celery
task: a sweep must still run when every worker is dead or busy with a long generation,
which is exactly when it is needed. Several sweepers at once are harmless: each change
is a conditional UPDATE.
"""
import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from composer_ui import jobs

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Re-queue jobs whose lease expired (fail them after max_attempts); loops unless --once."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=None,
                            help="seconds between sweeps (default: STUDIO_GENERATION['sweep_every'])")
        parser.add_argument("--once", action="store_true", help="sweep once and exit")

    def handle(self, *args, every=None, once=False, **options):
        every = every or settings.STUDIO_GENERATION["sweep_every"]
        self.stdout.write(f"sweeping generation jobs every {every:g} s", ending="\n")
        self.stdout.flush()
        while True:
            try:
                close_old_connections()  # the database may have gone away since the last sweep
                swept = jobs.jobs_sweep()
                if swept:
                    self.stdout.write(f"swept jobs {swept}")
                    self.stdout.flush()
            except Exception:  # the database or the broker is down: try again next time
                log.exception("sweeping generation jobs failed")
            if once:
                return
            time.sleep(every)
