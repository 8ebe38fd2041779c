"""The enquiry form's limits: posts per client address per hour, and one enquiry per start time.

Both are counted in the database, which every web process shares (a per-process cache would let
each process allow its own five an hour, and accept the same start time once each). Rows older than
their window are deleted by the posts themselves and by ``purge_enquiries``.
"""

import datetime
import hashlib
import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .forms import STARTED_MAX_AGE
from .models import ClientCount, UsedStartTime

RATE_WINDOW = datetime.timedelta(hours=1)


def client_address(request) -> str:
    """Return the visitor's address, for the rate limit.

    Behind Heroku's router it is the last ``X-Forwarded-For`` hop (the router appends it; a visitor can
    only prepend); anywhere else the header is the visitor's own to write, so the connection's peer.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_HEROKU_ROUTER and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_network(address: str) -> str:
    """Return what one client is counted as: its IPv4 address, or its IPv6 /64 (one home, one phone network)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def count_post(request, kind: str, limit: int) -> bool:
    """Count one post of ``kind`` from the request's client in its hour; tell whether it went over ``limit``."""
    key = salted_hmac("enquiries.throttle", f"{kind}:{client_network(client_address(request))}").hexdigest()
    for _attempt in range(3):  # the row may be deleted (its hour over) between the two steps: start again
        now = timezone.now()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ClientCount.objects.create(key=key, window_started_at=now, count=1)
            except IntegrityError:  # the client posted before: count on in its window, or start a new one
                pass
            else:
                # A new client: a good moment to drop the counts whose hour is over (an indexed range).
                ClientCount.objects.filter(window_started_at__lte=now - RATE_WINDOW).delete()
                return limit < 1
            row = ClientCount.objects.select_for_update().filter(key=key).first()
            if row is None:
                continue
            if row.window_started_at <= now - RATE_WINDOW:
                row.window_started_at, row.count = now, 1
            else:
                row.count = F("count") + 1
            row.save(update_fields=["window_started_at", "count"])
            row.refresh_from_db(fields=["count"])
            return row.count > limit
    return False  # three deletes in a row: count nothing rather than fail the visitor


def use_start_time(token: str) -> bool:
    """Record that ``token`` sent an enquiry (in the caller's transaction); False if it had sent one before."""
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    try:
        with transaction.atomic():
            UsedStartTime.objects.create(token_hash=token_hash)
    except IntegrityError:
        return False
    return True


def forget_old() -> int:
    """Delete counts whose hour is over and start times too old to be accepted anyway; return how many."""
    now = timezone.now()
    counts, _ = ClientCount.objects.filter(window_started_at__lte=now - RATE_WINDOW).delete()
    used, _ = UsedStartTime.objects.filter(used_at__lte=now - datetime.timedelta(seconds=STARTED_MAX_AGE)).delete()
    return counts + used
