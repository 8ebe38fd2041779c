"""A django-redis client with a circuit breaker: one short wait when Redis fails, then no wait for a while.

Every cache call to a Redis that is down, or that accepts connections and never answers, waits for
its socket timeout. A page makes several cache calls (the site lookup, the page cache, renditions),
so a hung Redis would cost each page several timeouts. This client remembers, per Redis server and
per process, that a call failed for a connection reason (refused, reset, timed out) and then fails
every call at once for ``CIRCUIT_OPEN_SECONDS`` (an option of the cache, default 5). The next call
after that is a probe: it closes the circuit when it succeeds and opens it again when it fails. A
request therefore waits at most once, and only when a probe is due.

Caches configured with ``IGNORE_EXCEPTIONS`` turn the fast failure into a miss; the page cache
handles it itself (:mod:`pagecache.cache`). Redis's own refusals (an ``OOM`` error when memory is
full, a wrong type) are not connection failures: they are raised as before and do not open the circuit.
"""

import logging
import threading
import time
from functools import wraps
from urllib.parse import urlparse

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_OPEN_SECONDS = 5.0
CONNECTION_FAILURES = (RedisConnectionError, RedisTimeoutError, TimeoutError, OSError)
# The client's operations that talk to Redis (the others are helpers they call).
GUARDED_OPERATIONS = (
    "add",
    "clear",
    "decr",
    "delete",
    "delete_many",
    "delete_pattern",
    "expire",
    "get",
    "get_many",
    "has_key",
    "incr",
    "incr_version",
    "keys",
    "persist",
    "set",
    "set_many",
    "touch",
    "ttl",
)


class CircuitBreaker:
    """The state of one Redis server as this process sees it: closed (use it) or open until a moment."""

    def __init__(self, server: str, open_seconds: float):
        """Start closed, for ``server`` (named in log messages)."""
        self.server = server
        self.open_seconds = open_seconds
        self.open_until = 0.0
        self._lock = threading.Lock()

    def allows_call(self) -> bool:
        """Tell whether a call may go to Redis now (closed, or open long enough that a probe is due)."""
        return time.monotonic() >= self.open_until

    def record_failure(self, error: BaseException) -> None:
        """Open the circuit after a connection failure; log when it opens."""
        with self._lock:
            was_closed = self.open_until == 0.0
            self.open_until = time.monotonic() + self.open_seconds
        if was_closed:
            logger.warning(
                "Redis %s failed (%s): cache calls skip it for %.0f s at a time until it answers again",
                self.server,
                error,
                self.open_seconds,
            )

    def record_success(self) -> None:
        """Close the circuit after a call that worked; log when it closes again."""
        if self.open_until == 0.0:
            return
        with self._lock:
            self.open_until = 0.0
        logger.warning("Redis %s answers again: the caches use it again", self.server)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(server: str, open_seconds: float = DEFAULT_OPEN_SECONDS) -> CircuitBreaker:
    """Return this process's circuit breaker of ``server``, shared by every cache alias that uses it."""
    with _breakers_lock:
        if server not in _breakers:
            _breakers[server] = CircuitBreaker(server, open_seconds)
        return _breakers[server]


def is_connection_failure(error: ConnectionInterrupted) -> bool:
    """Tell whether django-redis's error comes from the connection rather than from a Redis refusal."""
    return isinstance(error.__cause__, CONNECTION_FAILURES) or error.__cause__ is None


def _guard(operation):
    """Wrap a client operation: refuse it at once while the circuit is open, record how it went."""

    @wraps(operation)
    def guarded(self, *args, **kwargs):
        """Run the operation unless the circuit is open; open it on a connection failure."""
        breaker = self.circuit_breaker
        if not breaker.allows_call():
            raise ConnectionInterrupted(connection=None) from RedisConnectionError(
                f"circuit open: {breaker.server} failed less than {breaker.open_seconds:.0f} s ago"
            )
        try:
            result = operation(self, *args, **kwargs)
        except ConnectionInterrupted as error:
            if is_connection_failure(error):
                breaker.record_failure(error)
            raise
        breaker.record_success()
        return result

    return guarded


class CircuitBreakerClient(DefaultClient):
    """django-redis's default client, with every Redis operation behind this process's circuit breaker."""

    def __init__(self, server, params, backend):
        super().__init__(server, params, backend)
        seconds = float(params.get("OPTIONS", {}).get("CIRCUIT_OPEN_SECONDS", DEFAULT_OPEN_SECONDS))
        self.circuit_breaker = breaker_for(",".join(server_name(url) for url in self._server), seconds)


def server_name(url: str) -> str:
    """Return ``host:port/db`` of a Redis URL: never its password, which log messages must not carry."""
    parts = urlparse(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or ''}"


for _name in GUARDED_OPERATIONS:
    setattr(CircuitBreakerClient, _name, _guard(getattr(DefaultClient, _name)))
