"""App configuration of the content pages app."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Registers the content pages app."""

    name = "pages"
    verbose_name = "Content pages"
    default_auto_field = "django.db.models.BigAutoField"
