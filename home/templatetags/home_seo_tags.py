"""``{% site_structured_data %}``: the home page's ``WebSite`` and ``Organization`` JSON-LD blocks."""

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from core.seo import DEFAULT_DESCRIPTION, absolute_url, ld_json_scripts, site_name, site_root_url

from ..structured_data import organization, website

register = template.Library()

LOGO = "img/logo.svg"


@register.simple_tag(takes_context=True)
def site_structured_data(context) -> SafeString:
    """Return the ``WebSite`` (with its search action) and ``Organization`` blocks, on the site's public address.

    Nothing without a Wagtail site: there is no public address to give.
    """
    root = site_root_url(context.get("request"))
    if root is None:
        return SafeString("")
    company = organization(root, site_name(), absolute_url(static(LOGO), root), DEFAULT_DESCRIPTION)
    try:
        search_path = reverse("search")
    except NoReverseMatch:  # a URLconf without the search page: no search action to offer
        return ld_json_scripts(company)
    return ld_json_scripts(website(root, site_name(), search_path), company)
