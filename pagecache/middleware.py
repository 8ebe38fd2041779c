"""Serve anonymous visitors' pages from the cache, and store the pages that may be shared.

The middleware sits right after ``SecurityMiddleware`` and WhiteNoise, so a cached page skips the
session, CSRF, authentication, message and URL-resolving work; ``SecurityMiddleware`` still adds
its headers to every answer, and the frame and CSP headers, which are the same on every public
page, are stored with the page (it is stored after the middleware inside it added them).

Only views whose pages are the same for every visitor are stored: Wagtail's page serving and views
marked :func:`cacheable` (search); :meth:`PageCacheMiddleware.process_view` notes which view ran.
Paths that never lead to such a view (``PAGE_CACHE_SKIP_PREFIXES``: health checks, both admins,
files) are not even looked up. A request may use the cache only when it is a GET or HEAD without a
messages cookie. One with a session cookie (an editor who is logged in, or a visitor who has entered
a page's password, always has one) never stores a page; once the session is read (one read), a
cookie that names no session (made up, expired, logged out) gets the stored page as any visitor
does, and a session of a user gets it only with that user's Wagtail user bar inserted
(:mod:`pagecache.userbar`); any other session gets a full render. A response is
stored only when it is a 200 without cookies (a page that used the CSRF token, such as Wagtail's
password form, gets the CSRF cookie); previews are served by the admin's views and never take part.
A page is stored only under its canonical key
(:mod:`pagecache.cache`); ``X-Page-Cache: miss`` means it was stored, ``hit`` that it came from the
cache. Every answer to a request that could use the cache says ``Vary: Cookie``, so a shared cache
in front of the site (a CDN, a proxy) never gives a visitor's page to a logged-in editor. A page
with a Wagtail user bar (``hit, user bar``, or any full render that showed one, with the cache on
or off) is the reader's own and also says ``Cache-Control: private``, so no shared cache keeps it
whatever it makes of ``Vary`` (:func:`private_when_userbar`).
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.views import serve as wagtail_serve

from . import cache, userbar

HEADER = "X-Page-Cache"
VIEW_ATTRIBUTE = "_page_cache_view"


def cacheable(view):
    """Mark a view whose pages are the same for every anonymous visitor, so the cache may keep them."""
    view.page_cache = True
    return view


def view_is_cacheable(view_func) -> bool:
    """Tell whether a view's pages may be cached: Wagtail's page serving (or the router's), or a cacheable view."""
    return view_func is wagtail_serve or getattr(view_func, "page_cache", False)


def _may_read(request) -> bool:
    """Tell whether ``request`` asks for a page the cache may hold: a GET or HEAD of a public path, no messages."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(settings.PAGE_CACHE_SKIP_PREFIXES)
        and "messages" not in request.COOKIES
    )


def request_may_use_cache(request) -> bool:
    """Tell whether ``request`` may be answered from, and its answer stored in, the shared cache."""
    return _may_read(request) and settings.SESSION_COOKIE_NAME not in request.COOKIES


def request_has_session(request) -> bool:
    """Tell whether ``request`` is one with a session (an editor) that may get a stored page with its user bar."""
    return _may_read(request) and settings.SESSION_COOKIE_NAME in request.COOKIES


def response_may_be_stored(request, response) -> bool:
    """Tell whether ``response`` is a shareable page: a 200 without cookies, not private.

    A page that used the CSRF token (Wagtail's password form) always carries the ``csrftoken``
    cookie here: ``CsrfViewMiddleware``, inside this one, sets or renews it whenever the token was used.
    """
    return (
        response.status_code == 200
        and not getattr(request, "is_preview", False)
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def private_when_userbar(get_response):
    """Wrap the rest of the middleware chain: a response whose page showed a user bar says ``Cache-Control: private``.

    Every full render goes through it, whichever path of :class:`PageCacheMiddleware` asked for it;
    ``{% page_userbar %}`` notes the user bar it rendered on the request (:func:`pagecache.userbar.note`).
    """

    def respond(request):
        """Return the chain's response, made private when the page showed the reader's user bar."""
        response = get_response(request)
        if getattr(request, userbar.NOTE_ATTRIBUTE, ""):
            patch_cache_control(response, private=True)
        return response

    return respond


def rendered_the_page_of(request, found: cache.Lookup) -> bool:
    """Tell whether the view that answered rendered the page ``found``'s key names.

    A cacheable view answered, under a known generation, and the query it declared is the
    request's canonical one (a non-canonical spelling is served, never kept).
    """
    return (
        getattr(request, VIEW_ATTRIBUTE, False)
        and found.key is not None
        and found.generation is not None
        and cache.declared_query(request) == found.query
    )


class PageCacheMiddleware:
    """Answer anonymous visitors from the page cache; fill it with the pages they are shown."""

    def __init__(self, get_response):
        self.get_response = private_when_userbar(get_response)

    def __call__(self, request):
        """Serve a stored page when allowed and valid; otherwise render, and store the page when shareable."""
        if cache.enabled() and request_has_session(request):
            return self._with_userbar(request)
        if not (cache.enabled() and request_may_use_cache(request)):
            return self.get_response(request)
        found = cache.lookup(request)
        if found.stored is not None:
            return self._rebuild(found.stored)
        response = self.get_response(request)
        if not getattr(request, VIEW_ATTRIBUTE, False):
            return response
        patch_vary_headers(response, ("Cookie",))
        if rendered_the_page_of(request, found) and response_may_be_stored(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(name, value) for name, value in response.items() if name.lower() != "vary"]
            if cache.store(found, response.content, headers, page_only=cache.page_only(request)):
                response[HEADER] = "miss"
        return response

    def _with_userbar(self, request):
        """Answer a request with a session cookie: the stored page (with the user's user bar), or a full render.

        A cookie that names no session gets the stored page as a visitor does. The full render
        (nothing stored, a session holding something but no user bar remembered for its user, page
        and generation) is never stored; its user bar is remembered (:mod:`pagecache.userbar`).
        """
        found = cache.lookup(request)
        if found.stored is not None:
            session = userbar.session_data(request)
            if not session:  # a cookie naming no session (made up, expired, logged out): a visitor's
                return self._rebuild(found.stored)
            user = userbar.session_user(session)
            html = userbar.remembered(request, user, found) if user is not None else None
            content = userbar.with_userbar(found.stored[0], html) if html is not None else None
            if content is not None:
                headers = [(name, value) for name, value in found.stored[1] if name.lower() != "content-length"]
                response = self._rebuild((content, [*headers, ("Content-Length", str(len(content)))]))
                response[HEADER] = "hit, user bar"
                patch_cache_control(response, private=True)  # the reader's user bar: for no shared cache
                return response
        response = self.get_response(request)
        if rendered_the_page_of(request, found):
            userbar.remember(request, found, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Note whether the view that answers is one whose pages may be stored."""
        if view_is_cacheable(view_func):
            setattr(request, VIEW_ATTRIBUTE, True)

    @staticmethod
    def _rebuild(stored) -> HttpResponse:
        """Return a new response from a stored ``(content, headers)`` pair."""
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        patch_vary_headers(response, ("Cookie",))
        response[HEADER] = "hit"
        return response
