"""The demo's "other channel": an iCalendar feed served by the site itself, which a demo letting imports.

Owners keep calendars on Airbnb or Vrbo, and ``manage.py sync_calendars`` imports them. The demo has no
Airbnb to ask, so the site plays that channel: ``/demo/calendars/<old id>.ics`` serves the
``channel_feed`` bookings of that demo letting (``demo_data/demo_data.json``), months from the
current one, so the demo's imported nights never lie in the past. It answers only where the demo
data created a feed pointing at it.
"""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from lettings.calendar import month_starts
from lettings.feeds import calendar_file
from lettings.models import CalendarFeed

from .demo import read_demo_data

PRODUCT_ID = "-//Orange County Lettings//Demo channel//EN"


def channel_feed_body(record: dict, today) -> bytes:
    """Return the iCalendar file of a demo letting record's ``channel_feed`` bookings, dated from ``today``."""
    events = []
    for number, (months_ahead, first_night, departure) in enumerate(record["channel_feed"]["booked"]):
        month = month_starts(today, months_ahead + 1)[-1]
        uid = f"demo-channel-{record['legacy_id']}-{number}@oc-lettings.example"
        events.append((uid, month.replace(day=first_night), month.replace(day=departure), "Reserved"))
    return calendar_file(events, today, product_id=PRODUCT_ID)


@require_safe
def demo_channel_feed(request, legacy_id: int):
    """Serve the demo channel's feed of the demo letting with old id ``legacy_id``; 404 for any other."""
    records = [record for record in read_demo_data()["lettings"] if record["legacy_id"] == legacy_id]
    if not records or "channel_feed" not in records[0]:
        raise Http404("The demo has no channel calendar for this letting.")
    # Only where the demo was loaded: on a real site an old-site id is a real letting, whose
    # calendar nobody should be able to fill with made-up bookings.
    if not CalendarFeed.objects.filter(url__endswith=request.path, letting__legacy_id=legacy_id).exists():
        raise Http404("The demo data is not loaded here.")
    return HttpResponse(channel_feed_body(records[0], timezone.localdate()), content_type="text/calendar")
