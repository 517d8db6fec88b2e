from django.apps import AppConfig


class ComposerUiConfig(AppConfig):
    name = "composer_ui"
    verbose_name = "Co-composition studio"
