"""App configuration of the shared building blocks (an app so that its templates load)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared templates (pagination); no models."""

    name = "core"
    verbose_name = "Shared building blocks"
