"""Each letting's availability as an iCalendar feed, for Airbnb, Vrbo or Google Calendar to subscribe to.

The feed lists the booked and blocked periods that have not ended, each as an all-day event from
the arrival to the departure (iCalendar's end date is exclusive, like ours). It says "Booked" and
nothing more: no guest, no note, no source. Each event's UID is a keyed hash of the period's id
(:func:`event_uid`), never the id itself, which would tell how many periods the site has recorded.
Only a live letting that anonymous visitors may open has a feed; the page cache keeps it like a
page, and clears it when a period changes.
"""

from datetime import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from pagecache.cache import declare_query
from pagecache.middleware import cacheable

from .models import LettingPage

PRODUCT_ID = "-//Orange County Lettings//Availability//EN"
UID_KEY_SALT = "lettings.feeds.event_uid"  # the HMAC's key is derived from SECRET_KEY and this salt


def calendar_file(events, today, *, product_id: str = PRODUCT_ID, name: str | None = None) -> bytes:
    """Return an iCalendar file of all-day ``events``: ``(uid, first day, day after the last, summary)`` each."""
    feed = Calendar()
    feed.add("prodid", product_id)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    if name:
        feed.add("x-wr-calname", name)
    stamp = datetime.combine(today, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    for uid, start, end, summary in events:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", summary)
        event.add("transp", "OPAQUE")
        feed.add_component(event)
    return feed.to_ical()


def event_uid(period_id: int, host: str) -> str:
    """Return the UID of a booked period's event: 32 hex digits of an HMAC of its id, then ``@host``.

    Opaque (without ``SECRET_KEY`` nothing relates it to the id or to another period's) and stable:
    the same on every request and every deploy with the same key, so a subscribed calendar updates
    the event instead of adding a second one. A new ``SECRET_KEY`` gives every event a new UID once:
    subscribers then replace each event, no night is lost.
    """
    return f"{salted_hmac(UID_KEY_SALT, str(period_id), algorithm='sha256').hexdigest()[:32]}@{host}"


def feed_for(letting: LettingPage, host: str, today) -> bytes:
    """Return the iCalendar file of ``letting``'s periods that end after ``today``."""
    periods = letting.booked_periods.filter(end__gt=today).order_by("start").only("pk", "start", "end")
    return calendar_file(
        ((event_uid(period.pk, host), period.start, period.end, "Booked") for period in periods),
        today,
        name=f"{letting.title} (Orange County Lettings)",
    )


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
    response["Content-Disposition"] = content_disposition_header(False, f"{letting.slug}.ics")  # slugs may be Unicode
    return response
