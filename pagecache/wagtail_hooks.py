"""Wagtail hooks of the page cache: pages served by Wagtail's front end may be cached."""

from wagtail import hooks

from .middleware import mark_cacheable


@hooks.register("before_serve_page")
def allow_page_cache(page, request, serve_args, serve_kwargs):
    """Mark a page that Wagtail serves (never a preview) as the same for every anonymous visitor.

    Restricted pages need no check here: without a session a visitor gets a redirect to the login
    (not a 200) or Wagtail's password form (it uses the CSRF token), and neither is ever stored.
    """
    mark_cacheable(request)
