"""``manage.py clear_page_cache``: make every cached page and card unreachable, or say why it cannot."""

from django.core.management.base import BaseCommand, CommandError

from pagecache import cache


class Command(BaseCommand):
    """Start a new page cache generation by hand (after an invalidation that failed, or to be sure)."""

    help = "Clear the page cache (every cached page and listing card) on every web process at once."

    def handle(self, *args, **options):
        """Advance the generation; exit non-zero with the cache's error when that is impossible."""
        try:
            cache.advance_generation()
        except cache.CacheUnavailableError as error:
            raise CommandError(f"The page cache could not be cleared: {error}. Is Redis reachable?") from error
        self.stdout.write(self.style.SUCCESS("Page cache cleared: no page cached before now will be served."))
