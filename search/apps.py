"""App configuration of the search app."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Registers the public search app."""

    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"
