"""Serve anonymous visitors' pages from the cache, and store the pages that may be shared.

The middleware sits last in ``MIDDLEWARE``, right around the view, so that the security, CSP and
frame headers are still added to a cached response by the middleware outside it.

A request may use the cache only when it is a GET or HEAD without a session cookie (an editor who
is logged in, or a visitor who has entered a page's password, always has one) and without a
messages cookie. A response is stored only when the view marked it as a shareable page (Wagtail
pages through :mod:`pagecache.wagtail_hooks`, the search view with :func:`cacheable`), it is a
200 without cookies, and nothing in it used the CSRF token; previews never pass through here.
"""

import logging

from django.conf import settings
from django.http import HttpResponse

from . import cache

logger = logging.getLogger(__name__)

CACHEABLE_ATTRIBUTE = "page_cache_allowed"
HEADER = "X-Page-Cache"


def mark_cacheable(request) -> None:
    """Mark the page being served to ``request`` as one that every anonymous visitor may share."""
    setattr(request, CACHEABLE_ATTRIBUTE, True)


def cacheable(view):
    """Decorate a view whose pages are the same for every anonymous visitor, so the cache may keep them."""

    def wrapper(request, *args, **kwargs):
        mark_cacheable(request)
        return view(request, *args, **kwargs)

    wrapper.__doc__ = view.__doc__
    wrapper.__name__ = view.__name__
    wrapper.__module__ = view.__module__
    return wrapper


def request_may_use_cache(request) -> bool:
    """Tell whether ``request`` may be answered from, and its answer stored in, the shared cache."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def response_may_be_stored(request, response) -> bool:
    """Tell whether ``response`` is a shareable page: marked, a 200, no cookie, no CSRF token used."""
    return (
        getattr(request, CACHEABLE_ATTRIBUTE, False)
        and not getattr(request, "is_preview", False)
        and response.status_code == 200
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
        """Serve from the cache when allowed and present; otherwise render, and store when shareable."""
        if not cache.enabled() or not request_may_use_cache(request):
            return self.get_response(request)
        generation = cache.current_generation()
        key = cache.page_key(generation, request)
        stored = cache.page_cache().get(key)
        if stored is not None:
            return self._rebuild(stored)
        response = self.get_response(request)
        if response_may_be_stored(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(name, value) for name, value in response.items() if name.lower() != "vary"]
            cache.page_cache().set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response

    @staticmethod
    def _rebuild(stored) -> HttpResponse:
        """Return a new response from a stored ``(content, headers)`` pair."""
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response
