"""The main menu and the footer's links, read from the page tree: the home page and its live, public children.

Editors choose what the menu shows with the "Show in menus" box of a page's Promote tab; a page that
is unpublished, private or moved away leaves the menu at once. The menu is read once per content
generation (``pagecache.cache.per_generation``), so it costs no query on most requests.
"""

from dataclasses import dataclass

from django import template
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Site

from pagecache.cache import per_generation
from pages.models import ContentPage

register = template.Library()


@dataclass(frozen=True)
class MenuItem:
    """One link of the main menu."""

    title: str
    url: str


@dataclass(frozen=True)
class Menu:
    """The site's home page and the links of its main menu."""

    home_url: str
    items: tuple[MenuItem, ...]
    footer: tuple[MenuItem, ...] = ()  # the content pages under the home page (privacy notice, terms)


def read_menu(request) -> Menu:
    """Read the menu and the footer's links of the request's site from the page tree (three queries at most)."""
    site = Site.find_for_request(request)
    if site is None:
        return Menu(home_url="/", items=())
    root = site.root_page.specific_deferred
    home_url = root.get_url(request) or "/"
    content_page_type = ContentType.objects.get_for_model(ContentPage).pk
    children = [(page, MenuItem(page.title, page.get_url(request))) for page in root.get_children().live().public()]
    children.sort(key=lambda child: child[0].path)
    items = (MenuItem("Home", home_url), *(item for page, item in children if page.show_in_menus))
    footer = tuple(item for page, item in children if page.content_type_id == content_page_type)
    return Menu(home_url=home_url, items=items, footer=footer)


def site_menu(request) -> Menu:
    """Return the menu of the request's site, read once per content generation."""
    return per_generation(request, "main-menu", lambda: read_menu(request))


@register.inclusion_tag("home/includes/main_menu.html", takes_context=True)
def main_menu(context) -> dict:
    """Render the main menu; the link to the page or section the visitor is in is marked as current.

    ``aria-current="page"`` on the link to the page itself, ``"true"`` on the section's link from a page
    inside it (a letting marks "Lettings").
    """
    request = context.get("request")
    if request is None:  # a template rendered without a request (the bare 500 page) has no menu
        return {"items": (), "current": None, "current_kind": None}
    menu = site_menu(request)
    current = None
    for item in menu.items:  # a letting page marks "Lettings"; only the home page itself marks "Home"
        inside = request.path == item.url or (item.url != menu.home_url and request.path.startswith(item.url))
        if inside and (current is None or len(item.url) > len(current.url)):
            current = item
    kind = None if current is None else ("page" if request.path == current.url else "true")
    return {"items": menu.items, "current": current, "current_kind": kind}


@register.inclusion_tag("home/includes/footer_links.html", takes_context=True)
def footer_links(context) -> dict:
    """Render the footer's links to the content pages under the home page (the privacy notice among them)."""
    request = context.get("request")
    return {"items": site_menu(request).footer if request is not None else ()}


@register.simple_tag(takes_context=True)
def home_url(context) -> str:
    """Return the URL of the site's home page."""
    request = context.get("request")
    return site_menu(request).home_url if request is not None else "/"
