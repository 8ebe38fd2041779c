"""Each letting's availability as an iCalendar feed, for Airbnb, Vrbo or Google Calendar to subscribe to.

The feed lists the booked and blocked periods that have not ended, each as an all-day event from
the arrival to the departure (iCalendar's end date is exclusive, like ours). It says "Booked" and
nothing more: no guest, no note, no source. Only a live letting that anonymous visitors may open
has a feed; the page cache keeps it like a page, and clears it when a period changes.
"""

from datetime import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from pagecache.cache import declare_query
from pagecache.middleware import cacheable

from .models import LettingPage

PRODUCT_ID = "-//Orange County Lettings//Availability//EN"


def feed_for(letting: LettingPage, host: str, today) -> bytes:
    """Return the iCalendar file of ``letting``'s periods that end after ``today``."""
    feed = Calendar()
    feed.add("prodid", PRODUCT_ID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"{letting.title} (Orange County Lettings)")
    stamp = datetime.combine(today, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    for period in letting.booked_periods.filter(end__gt=today).order_by("start"):
        event = Event()
        event.add("uid", f"booked-period-{period.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", period.start)
        event.add("dtend", period.end)
        event.add("summary", "Booked")
        event.add("transp", "OPAQUE")
        feed.add_component(event)
    return feed.to_ical()


@cacheable
@require_safe
def availability_feed(request, letting_id: int):
    """Serve the availability feed of a live, public letting (``text/calendar``); 404 for any other."""
    letting = get_object_or_404(LettingPage.objects.live().public(), pk=letting_id)
    if letting.get_url(request) is None:
        raise Http404("This letting is not on this site.")
    declare_query(request, {})
    # The site record's host, never the request's: a forged Host header must not reach a cached feed.
    site = letting.get_site()
    response = HttpResponse(feed_for(letting, site.hostname, timezone.localdate()), content_type="text/calendar")
    response["Content-Disposition"] = f'inline; filename="{letting.slug}.ics"'
    return response
