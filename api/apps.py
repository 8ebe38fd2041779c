"""App configuration of the partner API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Registers the partner API app (it has no models: it serves the lettings app's)."""

    name = "api"
    verbose_name = "Partner API"
