"""App configuration of the legacy import app."""

from django.apps import AppConfig


class LegacyConfig(AppConfig):
    """Registers the legacy import app (a management command and its importer; no models)."""

    name = "legacy"
    verbose_name = "Old-site import"
