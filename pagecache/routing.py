"""Wagtail's page serving, with the route to each page remembered once per content generation.

Wagtail finds the page for a URL with a query for the site, one per path segment and one for the
specific page, then checks the page's view restrictions with another, on every request. None of
that changes until the content does, and every such change (a publish, a move, a view restriction,
a site) starts a new generation (:mod:`pagecache.cache`). So the first request for a path under a
generation routes as Wagtail does and remembers the page's id and type, what was left of the path
(a routable page's sub-route) and whether the page is unrestricted; later requests fetch the page
with one query and skip the rest. Only routes whose page answered 200 are remembered (a made-up
path, or a routable page's made-up sub-path, adds nothing), at most ``MAX_ROUTES`` per process.

The view is Wagtail's own ``serve`` once the route is known, so every hook still runs.
"""

from dataclasses import dataclass

from django.conf import settings
from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_serve

from . import cache

MAX_ROUTES = 5000


@dataclass(frozen=True)
class KnownRoute:
    """Where a path led under one generation: the page, its model, the rest of the path, its restrictions."""

    page_id: int
    model: type
    rest: tuple[str, ...]
    unrestricted: bool


class _Routes:
    """The routes found under the current generation, by site and path."""

    def __init__(self):
        self.generation = None
        self.routes: dict[tuple[int, str], KnownRoute] = {}
        self.sites: dict[int, Site] = {}

    def start(self, generation) -> None:
        """Forget every route: pages are routed again under ``generation``."""
        self.generation, self.routes, self.sites = generation, {}, {}


_routes = _Routes()


def _remember(site: Site, path: str, route) -> None:
    """Remember where ``path`` led: the page found by Wagtail's routing, and what of the path its sub-routes used."""
    page = route[0]
    root_depth = len([part for part in site.root_page.url_path.split("/") if part])
    page_depth = len([part for part in page.url_path.split("/") if part])
    components = [part for part in path.split("/") if part]
    rest = tuple(components[page_depth - root_depth :])
    unrestricted = not page.get_view_restrictions().exists()
    if len(_routes.routes) < MAX_ROUTES:
        _routes.routes[(site.pk, path)] = KnownRoute(page.pk, type(page), rest, unrestricted)
        _routes.sites[site.pk] = site


def _known(request, path: str):
    """Put the remembered route of ``path`` on the request as Wagtail's own cache of it; tell whether it was known."""
    site_id = cache.site_id(request)
    known = _routes.routes.get((site_id, path))
    if known is None:
        return False
    page = known.model.objects.filter(pk=known.page_id).first()
    if page is None:  # deleted in this generation's last moments: route as Wagtail does
        return False
    page.known_unrestricted = known.unrestricted
    request._wagtail_site = _routes.sites[site_id]
    request._wagtail_route_for_request = page.route(request, list(known.rest))
    return True


def serve(request, path: str):
    """Serve the page at ``path``, as ``wagtail.views.serve`` does, routing it once per generation."""
    generation = cache.request_generation(request) if settings.GENERATION_MEMO else None
    if generation is None:  # no shared generation (or the cache failing): Wagtail's routing every time
        return wagtail_serve(request, path)
    if generation != _routes.generation:
        _routes.start(generation)
    if _known(request, path):
        return wagtail_serve(request, path)
    route = Page.route_for_request(request, path)
    site = Site.find_for_request(request)
    response = wagtail_serve(request, path)
    # Only a page that answered: a routable page's made-up sub-path (a profile nobody has) is a 404.
    if response.status_code == 200 and route is not None and site is not None and site.pk == cache.site_id(request):
        _remember(site, path, route)
    return response


serve.page_cache = True  # its pages are the same for every anonymous visitor (pagecache.middleware)
