"""Serve anonymous visitors' pages from the cache, and store the pages that may be shared.

The middleware sits last in ``MIDDLEWARE``, right around the view, so that the security, CSP and
frame headers are still added to a cached response by the middleware outside it.

Only views whose pages are the same for every visitor take part: Wagtail's page serving and views
marked :func:`cacheable` (search). A request may use the cache only when it is a GET or HEAD
without a session cookie (an editor who is logged in, or a visitor who has entered a page's
password, always has one) and without a messages cookie. A response is stored only when it is a
200 without cookies and nothing in it used the CSRF token (Wagtail's password form does);
previews are served by the admin's views and never take part.
"""

from django.conf import settings
from django.http import HttpResponse
from wagtail.views import serve as wagtail_serve

from . import cache

HEADER = "X-Page-Cache"
KEY_ATTRIBUTE = "_page_cache_pending"


def cacheable(view):
    """Mark a view whose pages are the same for every anonymous visitor, so the cache may keep them."""
    view.page_cache = True
    return view


def view_is_cacheable(view_func) -> bool:
    """Tell whether a view's pages may be cached: Wagtail's page serving, or a view marked :func:`cacheable`."""
    return view_func is wagtail_serve or getattr(view_func, "page_cache", False)


def request_may_use_cache(request) -> bool:
    """Tell whether ``request`` may be answered from, and its answer stored in, the shared cache."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def response_may_be_stored(request, response) -> bool:
    """Tell whether ``response`` is a shareable page: a 200, no cookie, no CSRF token used, not private."""
    return (
        response.status_code == 200
        and not getattr(request, "is_preview", False)
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class PageCacheMiddleware:
    """Answer anonymous visitors from the page cache; fill it with the pages they are shown."""

    def __init__(self, get_response):
        """Keep the next handler in the chain."""
        self.get_response = get_response

    def __call__(self, request):
        """Render the request; store the page when :meth:`process_view` found it missing and it is shareable."""
        response = self.get_response(request)
        pending = getattr(request, KEY_ATTRIBUTE, None)
        if pending is not None and response_may_be_stored(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(name, value) for name, value in response.items() if name.lower() != "vary"]
            generation, key = pending
            cache.store(key, generation, response.content, headers)
            response[HEADER] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Answer from the cache when the URL leads to a cacheable view and a stored page exists.

        Looking up only after the URL is resolved keeps every other request (health checks, the
        admins, static files) free of cache round trips.
        """
        if not (cache.enabled() and view_is_cacheable(view_func) and request_may_use_cache(request)):
            return None
        generation, key, stored = cache.lookup(request)
        if stored is not None:
            return self._rebuild(stored)
        setattr(request, KEY_ATTRIBUTE, (generation, key))
        return None

    @staticmethod
    def _rebuild(stored) -> HttpResponse:
        """Return a new response from a stored ``(content, headers)`` pair."""
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response
