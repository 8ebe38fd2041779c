"""Where cached pages live, what their keys are, and the version numbers that invalidate them.

Every cached page is stored with the version numbers that were current when its request began, and
is served only while they still are; stale entries are overwritten by the next visit or expire after
``PAGE_CACHE_SECONDS``. Three numbers, each a key in the same cache:

* the *generation* (everything): a change that could show anywhere (a listing index, the site, an
  image, a view restriction) increments it, and every page stored before stops matching at once,
  on every web process that shares the cache (Redis in production);
* the *lists* version: a change to one detail page (a letting published, its address, its booked
  nights) increments it, so every page that lists such pages (listings, search, home, the API, the
  sitemap) is rendered again;
* one *path* version per URL path: the same change increments the version of that page's own path,
  so its page is rendered again while every other detail page stays cached.

A page is stored as depending on all three, unless its view declared that it shows only its own
record (:func:`declare_page_only`, a letting's page): then the lists version does not concern it.
All three and the page are read together in one round trip (``get_many``), which is what keeps a
cached page cheap. "Generation" below means the pair (everything, lists).

Keys are canonical, because a key is attacker input: the host is reduced to the Wagtail site it
resolves to (``Host: localhost:1`` ... ``:65535`` are one site), the query string to its non-empty
parameters in sorted order (a parameter whose spellings a view treats as one, such as the search
words, to its one spelling: :func:`canonical_parameter`), and a page is stored only when the view
that rendered it declared exactly those parameters with those values (:func:`declare_query`).
Anything else is served but never stored.

Pages without a query string are bounded by the site's real URLs. Pages with one are not: every
price, date range or cursor that finds something is a real page. So they share a budget of
``PAGE_CACHE_QUERY_BYTES`` per ``PAGE_CACHE_SECONDS`` window, counted in Redis for every process
(:func:`_within_query_budget`): past it, such pages are served but not stored until the next
window. An entry lives one window, so at most twice the budget of them exists at any moment,
whatever anyone sends (``docs/security.rst`` has the arithmetic).

Invalidation fails closed. A selective clear that cannot be applied becomes a clear of everything.
When the generation cannot be advanced (Redis down, hung, or refusing writes because its memory is
full), the generation key is deleted instead (Redis allows deletes even when full), which also makes
every stored page unreachable. When even that fails, this process serves no cached page and stores
none until the change is applied, retries it in the background and before every request, and logs
an error (which Sentry reports).
"""

import atexit
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http.request import split_domain_port
from django.urls import NoReverseMatch, get_urlconf, reverse
from wagtail.models import Site

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
LISTS_KEY = "pagecache:lists"
PATH_KEY_PREFIX = "pagecache:path:"
# Pages stored by the release before (one generation per entry) have other keys: during a deploy the
# old and the new dynos share Redis without reading each other's entries.
PAGE_KEY_PREFIX = "pagecache:page:v2:"
PATH_VERSION_SECONDS = 7 * 24 * 3600  # a path's version outlives its pages; a lost one only costs a render
# Bytes of pages with a query string stored in the current window (its number follows the prefix).
QUERY_BUDGET_KEY_PREFIX = "pagecache:query-bytes:"
# What an entry costs besides its content and headers: its key, the pickle around it, Redis's own record.
ENTRY_OVERHEAD_BYTES = 1024
REQUEST_ATTRIBUTE = "_page_cache_generation"
QUERY_ATTRIBUTE = "_page_cache_declared_query"
PAGE_ONLY_ATTRIBUTE = "_page_cache_page_only"
REQUEST_MEMO_ATTRIBUTE = "_page_cache_request_memo"
RETRY_SECONDS = 1.0
EXIT_RETRY_SECONDS = 10.0
# Parameters that only tell analytics where a visitor came from: no page reads them.
TRACKING_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid")
UNCACHEABLE = object()


class CacheUnavailableError(Exception):
    """The page cache's backend failed (down, hung, full, or its circuit breaker is open)."""


@dataclass
class Lookup:
    """What the middleware learnt before rendering: the versions, the page's key and query, a stored page.

    ``path_version`` is None when the path had none yet: :func:`store` then creates it, and stores
    the page only if no change created it first.
    """

    generation: tuple[int, int] | None
    key: str | None
    query: str
    stored: tuple | None = None
    path_key: str | None = None
    path_version: int | None = None
    started_ns: int = 0


def page_cache():
    """Return the cache backend that holds the pages (``PAGE_CACHE_ALIAS``)."""
    return caches[settings.PAGE_CACHE_ALIAS]


def enabled() -> bool:
    """Tell whether pages are cached at all (``PAGE_CACHE_SECONDS`` above zero)."""
    return settings.PAGE_CACHE_SECONDS > 0


def _call(operation: str, *args, **kwargs):
    """Run one operation of the page cache backend; any failure of the backend becomes ``CacheUnavailableError``."""
    try:
        return getattr(page_cache(), operation)(*args, **kwargs)
    except ValueError:
        raise  # incr of a missing key: not a failure of the backend
    except Exception as error:  # any backend: Redis errors, a closed circuit, a full memory
        raise CacheUnavailableError(f"{operation}: {error}") from error


# Generation --------------------------------------------------------------------------------------


class _Seen:
    """The highest generation and lists version this process has read: both only ever grow, on every process."""

    highest = 0
    highest_lists = 0


def _unless_rolled_back(generation: int | None, lists: int | None = None) -> int | None:
    """Return ``generation``, or None after jumping past it when it (or ``lists``) is lower than one already seen.

    Increments, new numbers from the clock after an eviction or a flush, and the jump below all
    make the numbers grow. A lower number means Redis came back from an older copy (a restart from
    a snapshot, a replica that was behind): pages stored before later changes would match it again,
    so the generation jumps ahead of every number seen and nothing is served meanwhile. Every
    selective clear increments the lists version, so a path's version that went back is caught by it.
    """
    lists_went_back = lists is not None and lists < _Seen.highest_lists
    if generation is None or (generation >= _Seen.highest and not lists_went_back):
        if generation is not None:
            _Seen.highest = generation
        if lists is not None:
            _Seen.highest_lists = max(_Seen.highest_lists, lists)
        return generation
    logger.error(
        "Page cache generation went back from %s to %s, or its lists version from %s to %s "
        "(Redis restored from an older copy?): clearing the cache",
        _Seen.highest,
        generation,
        _Seen.highest_lists,
        lists,
    )
    ahead = {
        GENERATION_KEY: max(time.time_ns(), _Seen.highest + 1),
        LISTS_KEY: max(time.time_ns(), _Seen.highest_lists + 1),
    }
    try:
        _call("set_many", ahead, timeout=None)
    except CacheUnavailableError:
        invalidate_all("the generation went back")
    return None


def _generation_from(found: dict) -> tuple[int, int] | None:
    """Return (everything, lists) from a ``get_many`` result, starting either number the cache lacks.

    A fresh number from the clock rather than 0: pages stored under an evicted number must never
    come back. Raises ``CacheUnavailableError`` when the cache fails.
    """
    numbers = []
    for key in (GENERATION_KEY, LISTS_KEY):
        number = found.get(key)
        if number is None:
            _call("add", key, time.time_ns(), timeout=None)
            number = _call("get", key)
        numbers.append(number)
    everything = _unless_rolled_back(numbers[0], numbers[1])
    if everything is None or numbers[1] is None:
        return None
    return everything, numbers[1]


def current_generation() -> tuple[int, int] | None:
    """Return the current (everything, lists) pair, starting what the cache lacks; None if the cache fails."""
    try:
        return _generation_from(_call("get_many", [GENERATION_KEY, LISTS_KEY]))
    except CacheUnavailableError:
        return None


def advance_generation() -> None:
    """Make every page stored so far unreachable, or raise ``CacheUnavailableError``.

    Incrementing is the normal way. Where Redis refuses it (its memory is full under
    ``noeviction``), deleting the generation is allowed and has the same effect: the next reader
    starts a new generation from the clock, which no stored page carries.
    """
    try:
        _call("incr", GENERATION_KEY)
        return
    except ValueError:  # no generation stored yet: any new number makes older entries unreachable
        pass
    except CacheUnavailableError as error:
        logger.warning("Page cache: the generation could not be incremented (%s); deleting it instead", error)
    _call("delete", GENERATION_KEY)


def _increment(key: str, timeout: int | None) -> None:
    """Increment a version key; create it from the clock when missing. Raises ``CacheUnavailableError``.

    A missing key is created here, not left missing: a request that began without it and is still
    rendering must find it taken when it tries to create it with its own (older) content.
    """
    for _attempt in range(3):
        try:
            _call("incr", key)
            return
        except ValueError:
            if _call("add", key, time.time_ns(), timeout=timeout):
                return
    raise CacheUnavailableError(f"incr {key}: it keeps disappearing")


def path_key(path: str) -> str:
    """Return the key of the version of the pages at ``path`` (every host and query of that path)."""
    return PATH_KEY_PREFIX + hashlib.sha256(path.encode()).hexdigest()


def invalidate_pages(paths: list[str], reason: str) -> None:
    """Clear the pages at ``paths`` and every page that lists pages; clear everything if that fails."""
    try:
        _increment(LISTS_KEY, timeout=None)
        for path in set(paths):
            _increment(path_key(path), timeout=PATH_VERSION_SECONDS)
    except CacheUnavailableError as error:
        logger.warning("Page cache: the selective clear after %s failed (%s); clearing everything", reason, error)
        invalidate_all(reason)
        return
    logger.info("Page cache cleared for %s: %s and the lists", reason, ", ".join(sorted(set(paths))) or "no page")


class _Pending:
    """A content change that this process could not apply to the cache yet (fail closed until it is)."""

    lock = threading.Lock()
    reason: str | None = None
    retrying = False
    exit_hook = False


def invalidate_all(reason: str) -> None:
    """Start a new generation, so that no page cached so far is served again; fail closed if impossible."""
    try:
        advance_generation()
    except CacheUnavailableError as error:
        with _Pending.lock:
            _Pending.reason = reason
        logger.error(
            "Page cache could not be cleared after %s (%s): this process serves no cached page until it is",
            reason,
            error,
        )
        _schedule_retry()
        return
    logger.info("Page cache cleared: %s", reason)


def settle_pending() -> bool:
    """Apply a change that could not be applied before; return True when nothing is pending any more."""
    if _Pending.reason is None:
        return True
    try:
        advance_generation()
    except CacheUnavailableError:
        return False
    with _Pending.lock:
        reason, _Pending.reason = _Pending.reason, None
    if reason is not None:
        logger.warning("Page cache cleared at last after %s: cached pages are served again", reason)
    return True


def _schedule_retry() -> None:
    """Retry the pending change every ``RETRY_SECONDS`` in the background, and once more at exit."""
    with _Pending.lock:
        if not _Pending.exit_hook:
            atexit.register(_settle_before_exit)
            _Pending.exit_hook = True
        if _Pending.retrying:
            return
        _Pending.retrying = True
    timer = threading.Timer(RETRY_SECONDS, _retry_in_background)
    timer.daemon = True
    timer.start()


def _retry_in_background() -> None:
    """Try the pending change again; keep trying until it is applied."""
    with _Pending.lock:
        _Pending.retrying = False
    if not settle_pending():
        _schedule_retry()


def _settle_before_exit() -> None:
    """At exit (a management command, a recycled worker), keep trying for a while; say so if it never works."""
    deadline = time.monotonic() + EXIT_RETRY_SECONDS
    while not settle_pending():
        if time.monotonic() >= deadline:
            logger.critical(
                "Page cache was never cleared after %s: clear it by hand (python manage.py clear_page_cache)",
                _Pending.reason,
            )
            return
        time.sleep(RETRY_SECONDS)


def request_generation(request) -> int | None:
    """Return the generation this request began under, reading it from the cache only once per request."""
    if not hasattr(request, REQUEST_ATTRIBUTE):
        setattr(request, REQUEST_ATTRIBUTE, current_generation() if settle_pending() else None)
    return getattr(request, REQUEST_ATTRIBUTE)


# Keys --------------------------------------------------------------------------------------------


def canonical_query(pairs) -> str:
    """Return ``(name, value)`` pairs as one query string: non-empty values only, sorted by name then value."""
    return urlencode(sorted((str(name), str(value)) for name, value in pairs if value not in ("", None)))


class _CanonicalParameters:
    """The parameters apps key by one spelling, by URL name, and (once URLs can be reversed) by path."""

    by_name: dict[str, dict[str, Callable[[str], str]]] = {}
    by_path: dict[str, dict[str, dict[str, Callable[[str], str]]]] = {}  # per URL configuration


def canonical_parameter(url_name: str, parameter: str, canonical: Callable[[str], str]) -> None:
    """Key the pages of the URL named ``url_name`` by ``canonical(value)`` of ``parameter``, not the value as sent.

    For a parameter whose spellings the view treats as one (the search words): every spelling then
    has one key, and one stored page serves them all, so the view must render that page from
    ``canonical(value)`` alone and declare that value (:func:`declare_query`). Called by an app's
    ``ready()``; the path is looked up when the first request needs it.
    """
    _CanonicalParameters.by_name.setdefault(url_name, {})[parameter] = canonical
    _CanonicalParameters.by_path.clear()


def _canonical_forms(path: str) -> dict[str, Callable[[str], str]]:
    """Return the canonical forms of the parameters of the pages at ``path`` (none for most paths)."""
    if not _CanonicalParameters.by_name:
        return {}
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    paths = _CanonicalParameters.by_path.get(urlconf)
    if paths is None:
        paths = {}
        for url_name, forms in _CanonicalParameters.by_name.items():
            try:
                paths[reverse(url_name, urlconf=urlconf)] = forms
            except NoReverseMatch:  # a URL configuration without that page (a test's own)
                continue
        _CanonicalParameters.by_path[urlconf] = paths
    return paths.get(path, {})


def request_query(request) -> str:
    """Return the canonical form of the query string ``request`` came with (analytics parameters left out)."""
    forms = _canonical_forms(request.path)
    return canonical_query(
        (name, forms[name](value) if name in forms else value)
        for name, values in request.GET.lists()
        if name not in TRACKING_PARAMETERS
        for value in values
    )


def declare_query(request, parameters: dict) -> None:
    """Declare the query parameters a page read, with the values it used (lists for repeated parameters).

    A page is stored only when this matches the request's own canonical query: ``?state=ga`` that
    a form turned into ``GA``, a cursor that is not a number, or an unknown parameter make the
    request's query differ, and that page is served without being stored.
    """
    pairs = []
    for name, value in parameters.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((name, item) for item in values)
    setattr(request, QUERY_ATTRIBUTE, canonical_query(pairs))


def declare_uncacheable(request) -> None:
    """Declare that this response depends on its request in a way no key describes (a form error)."""
    setattr(request, QUERY_ATTRIBUTE, UNCACHEABLE)


def declare_page_only(request) -> None:
    """Declare that this page shows only its own record, not lists of others (a letting's page).

    It stays cached when another page of its kind changes; its own changes clear it by its path.
    """
    setattr(request, PAGE_ONLY_ATTRIBUTE, True)


def page_only(request) -> bool:
    """Tell whether the page declared it shows only its own record."""
    return getattr(request, PAGE_ONLY_ATTRIBUTE, False)


def declared_query(request):
    """Return the query the page declared, ``""`` when it declared none, or ``UNCACHEABLE``."""
    return getattr(request, QUERY_ATTRIBUTE, "")


class _SiteMemo:
    """Which Wagtail site each host name and port resolve to, remembered for one generation.

    A change to a site clears the page cache, which starts a new generation and so a new memo:
    the memo never outlives the sites it was read from.
    """

    MAX_HOSTS = 64

    def __init__(self):
        self.generation = None
        self.sites: dict[tuple[str, str], int | None] = {}

    def start(self, generation) -> None:
        """Forget every host: the sites are read again under ``generation``."""
        self.generation, self.sites = generation, {}

    def site_id(self, request, everything: int | None) -> int | None:
        """Return the id of the site ``request`` resolves to, as Wagtail's routing resolves it.

        Sites change only with the everything-generation: a letting's publish does not make the
        sites be read again.
        """
        if everything != self.generation:
            self.start(everything)
        # Wagtail matches the host name (without the Host header's port) and the server's port.
        host = (split_domain_port(request.get_host())[0], request.get_port())
        if host in self.sites:
            return self.sites[host]
        site = Site.find_for_request(request)
        site_id = site.pk if site is not None else None
        if len(self.sites) < self.MAX_HOSTS:
            self.sites[host] = site_id
        return site_id


_site_memo = _SiteMemo()


def site_id(request) -> int | None:
    """Return the id of the Wagtail site ``request`` resolves to (memoised for the request's generation)."""
    generation = request_generation(request)
    return _site_memo.site_id(request, generation[0] if generation is not None else None)


class _GenerationMemo:
    """Values derived from content (a site's main menu), computed once per generation and site in this process.

    Like the site memo, it starts again with every new generation, so a value never outlives the
    content it was computed from; while the generation is unknown (the cache failing or a change
    pending), every request computes its own.
    """

    def __init__(self):
        self.generation = None
        self.values: dict[tuple[str, int | None], object] = {}

    def get(self, request, name: str, compute):
        """Return the value ``name`` for the request's site, calling ``compute()`` if this generation has none.

        Without a generation to key it by, the value is still computed once per request (the menu is
        read by the header, the footer and the home link).
        """
        generation = request_generation(request) if settings.GENERATION_MEMO else None
        if generation is None:  # processes that do not share the generation, or a failing cache
            per_request = request.__dict__.setdefault(REQUEST_MEMO_ATTRIBUTE, {})
            if name not in per_request:
                per_request[name] = compute()
            return per_request[name]
        if generation != self.generation:
            self.generation, self.values = generation, {}
        key = (name, site_id(request))
        if key not in self.values:
            self.values[key] = compute()
        return self.values[key]


_generation_memo = _GenerationMemo()


def per_generation(request, name: str, compute):
    """Return ``compute()`` for the request's site, computed once per content generation in this process.

    For small values that every page shows and only a content change alters (the main menu): the
    value must depend only on the site and on content whose change clears the page cache. Without a
    shared generation (``GENERATION_MEMO`` off: several processes, no Redis) it is computed every time.
    """
    return _generation_memo.get(request, name, compute)


def page_key(request, site: int | None, query: str) -> str | None:
    """Return the cache key of the page ``request`` asks for, or None when it has no canonical key.

    A path with an empty segment (``/lettings//``) reaches the same page as the real one under
    Wagtail's routing, so it is never a key; nor is a host that resolves to no site.
    """
    if site is None or "//" in request.path:
        return None
    address = f"{request.scheme}|{site}|{request.path}?{query}"
    return f"{PAGE_KEY_PREFIX}{hashlib.sha256(address.encode()).hexdigest()}"


# Lookup and store --------------------------------------------------------------------------------


def lookup(request) -> Lookup:
    """Return what is known before rendering: generation, key, canonical query and a valid stored page.

    The generation is kept on the request, so fragments rendered for it use the same one. A failing
    cache, or a change not yet applied (fail closed), gives a lookup with no generation: nothing is
    served from the cache and nothing is stored.
    """
    query = request_query(request)
    started_ns = time.time_ns()
    if not settle_pending():
        setattr(request, REQUEST_ATTRIBUTE, None)
        return Lookup(None, None, query)
    version_key = path_key(request.path)
    try:
        if _site_memo.generation is None:  # first request, or after a failure: read the generation first
            _site_memo.start(_unless_rolled_back(_call("get", GENERATION_KEY)))
        key = page_key(request, _site_memo.site_id(request, _site_memo.generation), query)
        keys = [GENERATION_KEY, LISTS_KEY, version_key]
        found = _call("get_many", [*keys, key] if key else keys)
        if found.get(GENERATION_KEY) is None or found.get(LISTS_KEY) is None:
            found = {version_key: found.get(version_key)}  # a number was missing: nothing stored can match
        generation = _generation_from(found)
        if generation is not None and generation[0] != _site_memo.generation:
            # Sites may have changed: resolve again under this generation.
            new_key = page_key(request, _site_memo.site_id(request, generation[0]), query)
            if new_key != key:
                key, found = new_key, {version_key: found.get(version_key)}
    except CacheUnavailableError as error:
        logger.debug("Page cache unavailable: %s", error)
        setattr(request, REQUEST_ATTRIBUTE, None)
        return Lookup(None, None, query)
    setattr(request, REQUEST_ATTRIBUTE, generation)
    path_version = found.get(version_key)
    lookup = Lookup(generation, key, query, None, version_key, path_version, started_ns)
    stored = found.get(key) if key else None
    if generation is not None and stored is not None and _still_valid(stored, generation, path_version):
        lookup.stored = tuple(stored[2:])
    return lookup


def _still_valid(stored: tuple, generation: tuple[int, int], path_version: int | None) -> bool:
    """Tell whether a stored page's versions are all still current (the lists one only if it depends on it)."""
    try:
        (everything, lists), version = stored[0], stored[1]
    except (TypeError, ValueError, IndexError):  # not an entry of this format: never serve it
        return False
    return (
        everything == generation[0]
        and (lists is None or lists == generation[1])
        and path_version is not None
        and version == path_version
    )


def query_window() -> int:
    """Return the number of the current window of the query budget (``PAGE_CACHE_SECONDS`` each, from the epoch)."""
    return int(time.time()) // settings.PAGE_CACHE_SECONDS


def _within_query_budget(size: int) -> bool:
    """Charge ``size`` bytes to this window's budget of pages with a query string; tell whether they fit in it.

    Windows are ``PAGE_CACHE_SECONDS`` long and numbered from the epoch, so every process counts
    in the same key, which lasts one window. A page that does not fit is not stored, and its bytes
    stay charged: the count only grows within a window. Raises ``CacheUnavailableError``.
    """
    seconds = settings.PAGE_CACHE_SECONDS
    key = f"{QUERY_BUDGET_KEY_PREFIX}{query_window()}"
    try:
        spent = _call("incr", key, size)
    except ValueError:  # the window's first page
        if _call("add", key, size, timeout=seconds):
            spent = size
        else:
            try:
                spent = _call("incr", key, size)
            except ValueError:  # added and gone at once (evicted): count nothing as free
                return False
    return spent <= settings.PAGE_CACHE_QUERY_BYTES


def entry_size(content: bytes, headers: list[tuple[str, str]]) -> int:
    """Return what a stored page costs the budget: its content, its headers and ``ENTRY_OVERHEAD_BYTES``."""
    return len(content) + sum(len(name) + len(value) for name, value in headers) + ENTRY_OVERHEAD_BYTES


def store(found: Lookup, content: bytes, headers: list[tuple[str, str]], *, page_only: bool = False) -> bool:
    """Keep a rendered page, marked with the versions its request began under; tell whether it was kept.

    A page with a query string is kept only while this window's budget allows it
    (:func:`_within_query_budget`). A path without a version gets one dated from the request's
    start; if a change gave it one meanwhile, this page may be older than that change and is not kept.
    """
    everything, lists = found.generation
    try:
        if found.query and not _within_query_budget(entry_size(content, headers)):
            logger.debug("Page not stored: this window's budget of pages with a query string is spent")
            return False
        version = found.path_version
        if version is None:
            version = found.started_ns
            if not _call("add", found.path_key, version, timeout=PATH_VERSION_SECONDS):
                return False
        entry = ((everything, None if page_only else lists), version, content, headers)
        _call("set", found.key, entry, settings.PAGE_CACHE_SECONDS)
    except CacheUnavailableError as error:
        logger.debug("Page not stored: %s", error)
        return False
    return True


def get_many(keys: list[str]) -> dict:
    """Return the entries of ``keys`` that the cache holds, as a new dict; an empty one when the cache fails."""
    try:
        return dict(_call("get_many", keys))
    except CacheUnavailableError:
        return {}


def set_many(entries: dict, timeout: int) -> None:
    """Store ``entries``; a failing cache loses them, which only costs a later render."""
    try:
        _call("set_many", entries, timeout)
    except CacheUnavailableError as error:
        logger.debug("Fragments not stored: %s", error)
