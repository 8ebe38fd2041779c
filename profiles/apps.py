"""App configuration of the profiles app."""

from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Registers the profiles app."""

    name = "profiles"
    verbose_name = "Profiles"
    default_auto_field = "django.db.models.BigAutoField"
