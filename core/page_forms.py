"""The admin form of pages whose address sits beside the site's own views: a slug they answer is refused.

``/search/``, ``/cms/``, ``/admin/`` are the search page and the admins whatever a page there says, so a
page given such a slug would never show, and a listing given one would hide every page under it.
"""

from django.urls import Resolver404, resolve
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page


def address_taken_by_a_view(parent: Page, slug: str) -> str | None:
    """Return the address a page ``slug`` under ``parent`` would have, if one of the site's own views answers it."""
    parent_url = parent.specific_deferred.get_url_parts()
    if parent_url is None or not slug:
        return None
    address = f"{parent_url[2]}{slug}/"
    try:
        match = resolve(address)
    except Resolver404:
        return None
    return None if match.url_name == "wagtail_serve" else address


class PageAddressForm(WagtailAdminPageForm):
    """A page's admin form that refuses a slug whose address one of the site's own views answers."""

    def clean(self) -> dict:
        """Refuse a slug that would give the page an address it could never show at."""
        cleaned = super().clean()
        parent = self.parent_page
        if parent is not None and (taken := address_taken_by_a_view(parent, cleaned.get("slug", ""))):
            self.add_error("slug", f"The site uses {taken} for something else: choose another slug.")
        return cleaned
