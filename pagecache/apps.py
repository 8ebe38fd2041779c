"""App configuration of the page cache: connects the signals that invalidate it."""

from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Registers the page cache and its invalidation signals."""

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self) -> None:
        """Connect the content-change signals to the cache invalidation."""
        from . import signals

        signals.connect()
