"""Importing other channels' calendars: each feed's events become the letting's booked periods from that feed.

A run fetches the feed (with timeouts and a size limit), reads every event, and only then replaces
the periods this feed brought last time, in one transaction. A feed that cannot be fetched, is not
iCalendar, or holds an event that cannot be a period changes nothing: the error is kept on the feed
(the admin shows it) and reported. An event that shares a night with a period from elsewhere (entered
here, or from another feed) is left out and named, since a night cannot be booked twice.
"""

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlparse

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar
from urllib3.exceptions import ReadTimeoutError

from .models import BookedPeriod, CalendarFeed

logger = logging.getLogger(__name__)

MAX_FEED_BYTES = 2 * 1024 * 1024
CONNECT_SECONDS, READ_SECONDS = 5, 10


class FeedError(Exception):
    """The feed could not be imported; the message says why, for the admin and the log."""


@dataclass
class SyncResult:
    """What one feed's import did."""

    feed: CalendarFeed
    imported: int = 0
    left_out: list[str] = field(default_factory=list)
    error: str = ""


def _refuse_private_host(url: str) -> None:
    """Refuse a feed on this machine or a private network (unless ``CALENDAR_FEEDS_ALLOW_PRIVATE_HOSTS``)."""
    if settings.CALENDAR_FEEDS_ALLOW_PRIVATE_HOSTS:
        return
    host = urlparse(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise FeedError(f"the feed's host {host!r} cannot be found") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise FeedError(f"the feed's host {host!r} is on a private network")


def fetch(url: str) -> bytes:
    """Return the feed's bytes, or raise ``FeedError`` (unreachable, slow, not 200, too large)."""
    _refuse_private_host(url)
    try:
        with requests.get(url, timeout=(CONNECT_SECONDS, READ_SECONDS), stream=True, allow_redirects=False) as response:
            if response.status_code != 200:
                raise FeedError(f"the feed answered HTTP {response.status_code}")
            body, deadline = b"", time.monotonic() + READ_SECONDS
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_FEED_BYTES:
                    raise FeedError(f"the feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
                if time.monotonic() > deadline:  # a server that trickles bytes never times out a single read
                    raise requests.Timeout("the whole feed took too long")
            return body
    except requests.Timeout as error:
        raise FeedError(f"the feed did not answer within {READ_SECONDS} seconds") from error
    except requests.ConnectionError as error:
        # A read that times out while the body streams in surfaces as a ConnectionError around urllib3's timeout.
        if any(isinstance(cause, ReadTimeoutError) for cause in error.args):
            raise FeedError(f"the feed did not answer within {READ_SECONDS} seconds") from error
        raise FeedError(f"the feed could not be reached ({error.__class__.__name__})") from error
    except requests.RequestException as error:
        raise FeedError(f"the feed could not be reached ({error.__class__.__name__})") from error


def _as_date(value) -> date:
    """Return the day of an iCalendar date or date-time (a date-time in the site's time zone)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def read_periods(data: bytes) -> list[tuple[date, date]]:
    """Return the (arrival, departure) of every event of an iCalendar file, or raise ``FeedError``."""
    try:
        feed = Calendar.from_ical(data)
    except ValueError as error:
        raise FeedError("the feed is not an iCalendar file") from error
    if feed.name != "VCALENDAR":
        raise FeedError("the feed is not an iCalendar file")
    periods = []
    for event in feed.walk("VEVENT"):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if event.get("DTSTART") is None:
            raise FeedError("an event of the feed has no start")
        start = _as_date(event.decoded("DTSTART"))
        if event.get("DTEND") is not None:
            end = _as_date(event.decoded("DTEND"))
        elif event.get("DURATION") is not None:
            end = _as_date(event.decoded("DTSTART") + event.decoded("DURATION"))
        else:
            end = start + timedelta(days=1)  # an all-day event of one day
        if end <= start:
            raise FeedError(f"an event of the feed ends ({end}) before it starts ({start})")
        periods.append((start, end))
    return periods


def merged(periods: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Return the periods sorted, with those that share a night joined (a feed may repeat itself)."""
    result: list[tuple[date, date]] = []
    for start, end in sorted(periods):
        if result and start < result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def sync_feed(feed: CalendarFeed, today: date | None = None) -> SyncResult:
    """Import one feed: replace its periods with those it lists now (ending after today), or change nothing."""
    today = today or timezone.localdate()
    result = SyncResult(feed)
    feed.last_checked_at = timezone.now()
    try:
        wanted = [(start, end) for start, end in merged(read_periods(fetch(feed.url))) if end > today]
    except FeedError as error:
        result.error = str(error)
        feed.last_error = result.error[:500]
        feed.save(update_fields=["last_checked_at", "last_error"])
        logger.warning("Calendar feed %s (%s) not imported: %s", feed.pk, feed, result.error)
        return result
    with transaction.atomic():
        feed.periods.all().delete()
        others = list(BookedPeriod.objects.filter(letting_id=feed.letting_id, end__gt=today))
        for start, end in wanted:
            clash = next((other for other in others if other.start < end and start < other.end), None)
            if clash is not None:
                result.left_out.append(f"{start} to {end} overlaps {clash} ({clash.get_source_display()})")
                continue
            BookedPeriod.objects.create(letting_id=feed.letting_id, start=start, end=end, source=feed.source, feed=feed)
            result.imported += 1
        feed.last_success_at = feed.last_checked_at
        feed.imported_periods = result.imported
        feed.last_error = ("Left out: " + "; ".join(result.left_out))[:500] if result.left_out else ""
        feed.save(update_fields=["last_checked_at", "last_success_at", "imported_periods", "last_error"])
    logger.info("Calendar feed %s (%s): %s periods imported", feed.pk, feed, result.imported)
    return result
