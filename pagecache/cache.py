"""Where cached pages live, and the generation number that invalidates them all at once.

Every cached page is stored with the *generation* that was current when its request began. A
content change increments the generation, so every page stored before the change stops matching at
once, on every web process that shares the cache (Redis in production); stale entries are
overwritten by the next visit or expire after ``PAGE_CACHE_SECONDS``. The generation and the page
are read together in one round trip (``get_many``), which is what keeps a cached page cheap.

Clearing by generation rather than by key was chosen because nearly every change touches most
pages anyway (a published letting shows on its page, the listing, the filtered listings, the home
page and search results), and because it has no race: a request keeps the generation it read
before rendering, so a page rendered from data older than a change is stored with the old
generation and is never served after the change.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
REQUEST_ATTRIBUTE = "_page_cache_generation"


def page_cache():
    """Return the cache backend that holds the pages (``PAGE_CACHE_ALIAS``)."""
    return caches[settings.PAGE_CACHE_ALIAS]


def enabled() -> bool:
    """Tell whether pages are cached at all (``PAGE_CACHE_SECONDS`` above zero)."""
    return settings.PAGE_CACHE_SECONDS > 0


def current_generation() -> int:
    """Return the current generation, starting a new one if the cache has none (first use, eviction, flush)."""
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh number rather than 0: pages stored under an evicted generation must never come back.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation if generation is not None else 0


def invalidate_all(reason: str) -> None:
    """Start a new generation, so that no page cached so far is served again."""
    cache = page_cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation stored yet: any new number makes older entries unreachable
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    logger.info("Page cache cleared: %s", reason)


def request_generation(request) -> int:
    """Return the generation this request began under, reading it from the cache only once per request."""
    if not hasattr(request, REQUEST_ATTRIBUTE):
        setattr(request, REQUEST_ATTRIBUTE, current_generation())
    return getattr(request, REQUEST_ATTRIBUTE)


def lookup(request) -> tuple[int, str, tuple | None]:
    """Return the current generation, the page's key and its stored ``(content, headers)`` if still valid.

    The generation is kept on the request, so fragments rendered for it use the same one.
    """
    key = page_key(request)
    found = page_cache().get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return request_generation(request), key, None
    setattr(request, REQUEST_ATTRIBUTE, generation)
    stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return generation, key, stored[1:]
    return generation, key, None


def store(key: str, generation: int, content: bytes, headers: list[tuple[str, str]]) -> None:
    """Keep a rendered page, marked with the generation its request began under."""
    page_cache().set(key, (generation, content, headers), settings.PAGE_CACHE_SECONDS)


def page_key(request) -> str:
    """Return the cache key of the page ``request`` asks for.

    The query string is sorted so that ``?a=1&b=2`` and ``?b=2&a=1`` share one entry; the host and
    scheme are part of the key because absolute links in a page depend on them.
    """
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"pagecache:page:{hashlib.sha256(address.encode()).hexdigest()}"
