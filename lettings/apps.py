"""App configuration of the lettings app."""

from django.apps import AppConfig


class LettingsConfig(AppConfig):
    """Registers the lettings app."""

    name = "lettings"
    verbose_name = "Lettings"
    default_auto_field = "django.db.models.BigAutoField"
