"""``manage.py sync_calendars``: import every letting's calendar feeds from other channels (Heroku Scheduler)."""

from django.core.management.base import BaseCommand, CommandError

from lettings.calendar_sync import sync_feed
from lettings.models import CalendarFeed


class Command(BaseCommand):
    """Import each feed in its own transaction; report each one; exit 1 when a feed failed."""

    help = "Import the booked periods of every calendar feed (Airbnb, Vrbo, ...); a failing feed changes nothing."

    def add_arguments(self, parser):
        """Accept ``--letting ID`` to import one letting's feeds only."""
        parser.add_argument("--letting", type=int, help="Only the feeds of the letting page with this id.")

    def handle(self, *args, **options):
        """Import the feeds, print one line each, and fail (exit 1) if any could not be imported."""
        feeds = CalendarFeed.objects.select_related("letting").order_by("pk")
        if options["letting"] is not None:
            feeds = feeds.filter(letting_id=options["letting"])
        failed = 0
        for feed in feeds:
            result = sync_feed(feed)
            if result.error:
                failed += 1
                self.stderr.write(f"{feed}: not imported, nothing changed: {result.error}")
                continue
            line = f"{feed}: {result.imported} period{'s' if result.imported != 1 else ''} imported"
            if result.left_out:
                line += f"; left out (overlapping): {'; '.join(result.left_out)}"
            self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} of {feeds.count()} calendar feeds could not be imported (see above).")
