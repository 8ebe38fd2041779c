"""App configuration of the shared building blocks (an app so that its templates and template tags load)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared templates and template tags; no models."""

    name = "core"
    verbose_name = "Shared building blocks"
