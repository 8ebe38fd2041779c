"""App configuration of the search app."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Registers the public search app."""

    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Have the page cache key searches by their words in one spelling (``search.views.canonical_query``)."""
        from pagecache.cache import canonical_parameter

        from .views import canonical_query

        canonical_parameter("search", "q", canonical_query)
