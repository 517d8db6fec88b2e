"""The Celery app for generation jobs (`celery -A studio worker`).

With REDIS_URL unset (the embedded default) no broker is needed: the studio
runs the same job functions in an in-process pool instead.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

app = Celery("studio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
