"""Importing other channels' calendars: each feed's events become the letting's booked periods from that feed.

A run fetches the feed (its address checked and resolved once by :mod:`core.outbound`, with timeouts
and a size limit), reads every event, and only then replaces
the periods this feed brought last time, in one transaction. A feed that cannot be fetched, is not
iCalendar, or holds an event that cannot be a period changes nothing: the error is kept on the feed
(the admin shows it) and reported. An event that shares a night with a period from elsewhere (entered
here, or from another feed) is left out and named, since a night cannot be booked twice.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError, ReadTimeoutError, SSLError

from core import outbound
from pagecache.signals import one_clear

from .forms import BOOKING_HORIZON_DAYS
from .models import BookedPeriod, CalendarFeed, LettingPage

logger = logging.getLogger(__name__)

MAX_FEED_BYTES = 2 * 1024 * 1024
MAX_PERIODS = 1000  # far more than any home's bookings over two years; a feed with more is refused
HORIZON_DAYS = BOOKING_HORIZON_DAYS  # periods starting later are left out, as the listing's dates are
CONNECT_SECONDS, READ_SECONDS = 5, 10
CHUNK_BYTES = 64 * 1024


class FeedError(Exception):
    """The feed could not be imported; the message says why, for the admin and the log."""


@dataclass
class SyncResult:
    """What one feed's import did."""

    feed: CalendarFeed
    imported: int = 0
    left_out: list[str] = field(default_factory=list)
    error: str = ""


def fetch(url: str) -> bytes:
    """Return the feed's bytes, or raise ``FeedError`` (refused, unreachable, slow, not 200, too large).

    The address is parsed, resolved and checked once, and the connection goes to the address that
    was checked (:mod:`core.outbound`); a redirect is reported, never followed.
    """
    try:
        destination = outbound.check(url)
    except outbound.AddressRefusedError as error:
        raise FeedError(f"the feed's address is refused: {error}") from error
    try:
        response = outbound.open_get(destination, connect_seconds=CONNECT_SECONDS, read_seconds=READ_SECONDS)
    except NewConnectionError as error:  # a subclass of ConnectTimeoutError, for a refused connection too
        raise FeedError(f"the feed could not be reached ({_cause_name(error)})") from error
    except ConnectTimeoutError as error:
        raise FeedError(f"the feed did not answer within {CONNECT_SECONDS} seconds") from error
    except ReadTimeoutError as error:
        raise FeedError(f"the feed did not answer within {READ_SECONDS} seconds") from error
    except SSLError as error:
        raise FeedError(f"the feed's HTTPS certificate could not be verified ({_cause_name(error)})") from error
    except HTTPError as error:
        raise FeedError(f"the feed could not be reached ({_cause_name(error)})") from error
    try:
        if response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("Location", "")[:200]
            raise FeedError(f"the feed answered HTTP {response.status}, moved to {location!r}: save that address")
        if response.status != 200:
            raise FeedError(f"the feed answered HTTP {response.status}")
        body, deadline = b"", time.monotonic() + READ_SECONDS
        # read1 returns what has arrived (read would wait for a whole chunk), so the deadline is
        # checked after every few bytes of a server that trickles them.
        while chunk := response.read1(CHUNK_BYTES):
            body += chunk
            if len(body) > MAX_FEED_BYTES:
                raise FeedError(f"the feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
            if time.monotonic() > deadline:  # a server that trickles bytes never times out a single read
                raise FeedError(f"the feed did not answer within {READ_SECONDS} seconds")
        return body
    except ReadTimeoutError as error:
        raise FeedError(f"the feed did not answer within {READ_SECONDS} seconds") from error
    except HTTPError as error:  # from reading the body: a cut connection, a bad encoding
        raise FeedError(f"the feed could not be read ({_cause_name(error)})") from error
    finally:
        response.release_conn()


def _cause_name(error: Exception) -> str:
    """Return the name of the error underneath urllib3's (a refused connection, a bad certificate)."""
    cause = error.__context__ or error.__cause__
    return (cause or error).__class__.__name__


def _day(event, name: str) -> date | datetime:
    """Return an event's date or date-time property, or raise ``FeedError`` when it is not one."""
    value = event.decoded(name)
    if not isinstance(value, date):  # icalendar hands back the raw text of a value it cannot read
        raise FeedError(f"an event of the feed has a {name} that is not a date ({event.get(name).to_ical()!r:.40})")
    return value


def _as_date(value: date | datetime) -> date:
    """Return the day of an iCalendar date or date-time (a date-time in the site's time zone)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _event_period(event) -> tuple[date, date] | None:
    """Return the nights an event blocks as (arrival, departure), or None when it blocks no night.

    An all-day event blocks its days; a timed event blocks the nights between its start and end
    days, so a cleaner's afternoon (one day) blocks none. Free time and cancelled events block none.
    """
    if str(event.get("STATUS", "")).upper() == "CANCELLED" or str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return None
    if event.get("DTSTART") is None:
        raise FeedError("an event of the feed has no start")
    first = _day(event, "DTSTART")
    if event.get("DTEND") is not None:
        last = _day(event, "DTEND")
    elif event.get("DURATION") is not None:
        duration = event.decoded("DURATION")
        if not isinstance(duration, timedelta):
            raise FeedError("an event of the feed has a DURATION that is not a duration")
        last = first + duration
    else:
        last = first + timedelta(days=1)  # an all-day event of one day
    timed = isinstance(first, datetime)
    start, end = _as_date(first), _as_date(last)
    if end < start or (end == start and not timed):
        raise FeedError(f"an event of the feed ends ({end}) before it starts ({start})")
    return (start, end) if end > start else None


def read_periods(data: bytes) -> list[tuple[date, date]]:
    """Return the (arrival, departure) of every event that blocks a night, or raise ``FeedError``."""
    try:
        feed = Calendar.from_ical(data)
    except ValueError as error:
        raise FeedError("the feed is not an iCalendar file") from error
    if feed.name != "VCALENDAR":
        raise FeedError("the feed is not an iCalendar file")
    periods = [period for event in feed.walk("VEVENT") if (period := _event_period(event)) is not None]
    return periods


def merged(periods: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Return the periods sorted, with those that share a night or follow on without a gap joined."""
    result: list[tuple[date, date]] = []
    for start, end in sorted(periods):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def wanted_periods(url: str, today: date) -> list[tuple[date, date]]:
    """Return the periods a feed lists now, joined, from today up to the horizon; raise ``FeedError``."""
    horizon = today + timedelta(days=HORIZON_DAYS)
    # An event that runs past the horizon blocks the nights up to it, not the letting forever.
    last_departure = horizon + timedelta(days=1)
    periods = [
        (start, min(end, last_departure))
        for start, end in merged(read_periods(fetch(url)))
        if end > today and start <= horizon
    ]
    if len(periods) > MAX_PERIODS:
        raise FeedError(f"the feed lists {len(periods)} bookings, more than the {MAX_PERIODS} a home can have")
    return periods


def sync_feed(feed: CalendarFeed, today: date | None = None) -> SyncResult:
    """Import one feed: replace its periods with those it lists now (ending after today), or change nothing.

    Any failure, expected (unreachable, malformed) or not (another editor's period saved at the
    same moment), leaves the feed's periods as they were and is kept on the feed. When the feed
    lists exactly what was imported last time, nothing is written, so the page cache stays warm.
    """
    today = today or timezone.localdate()
    result = SyncResult(feed)
    feed.last_checked_at = timezone.now()
    try:
        wanted = wanted_periods(feed.url, today)
        with transaction.atomic():
            _replace_periods(feed, wanted, today, result)
    except Exception as error:  # one feed's failure must not stop the other feeds' import
        if not isinstance(error, FeedError):
            logger.exception("Calendar feed %s (%s) failed unexpectedly", feed.pk, feed)
        result.error = str(error) if isinstance(error, FeedError) else f"the import failed ({error.__class__.__name__})"
        result.imported, result.left_out = 0, []
        feed.last_error = result.error[:500]
        feed.save(update_fields=["last_checked_at", "last_error"])
        logger.warning("Calendar feed %s (%s) not imported: %s", feed.pk, feed, result.error)
        return result
    logger.info("Calendar feed %s (%s): %s periods imported", feed.pk, feed, result.imported)
    return result


def _replace_periods(feed: CalendarFeed, wanted: list[tuple[date, date]], today: date, result: SyncResult) -> None:
    """Replace the feed's periods with ``wanted`` (those clashing with other periods left out); record the result."""
    others = list(BookedPeriod.objects.filter(letting_id=feed.letting_id, end__gt=today).exclude(feed=feed))
    kept = []
    for start, end in wanted:
        clash = next((other for other in others if other.start < end and start < other.end), None)
        if clash is not None:
            result.left_out.append(f"{start} to {end} overlaps {clash} ({clash.get_source_display()})")
        else:
            kept.append((start, end))
    current = set(feed.periods.filter(end__gt=today).values_list("start", "end"))
    if current != set(kept) or feed.periods.filter(end__lte=today).exists():
        # bulk_create sends no signal of its own; the letting's page and the lists show the periods.
        # The feed's letting, and any letting its periods were on before the feed was moved to this one.
        shown_on = LettingPage.objects.filter(Q(pk=feed.letting_id) | Q(booked_periods__feed=feed)).distinct()
        with one_clear(f"calendar feed {feed.pk} imported", pages=shown_on):
            feed.periods.all().delete()
            BookedPeriod.objects.bulk_create(
                BookedPeriod(letting_id=feed.letting_id, start=start, end=end, source=feed.source, feed=feed)
                for start, end in kept
            )
    result.imported = len(kept)
    feed.last_success_at = feed.last_checked_at
    feed.imported_periods = result.imported
    feed.last_error = ("Left out: " + "; ".join(result.left_out))[:500] if result.left_out else ""
    feed.save(update_fields=["last_checked_at", "last_success_at", "imported_periods", "last_error"])
