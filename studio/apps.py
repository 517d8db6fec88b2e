from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "studio"

    def ready(self):
        from . import checks  # noqa: F401  (registers the studio's system checks)
