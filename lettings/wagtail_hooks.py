"""Wagtail admin registration: addresses as a snippet with list columns, search, filters and export."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Address


class AddressViewSet(SnippetViewSet):
    """Addresses in ``/cms/snippets/``: searchable, filterable by state and city, exportable."""

    model = Address
    icon = "home"
    menu_label = "Addresses"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["__str__", "city", "state", "zip_code", "country_iso_code", "letting"]
    list_export = ["number", "street", "city", "state", "zip_code", "country_iso_code"]
    export_filename = "addresses"
    list_filter = {"state": ["exact"], "city": ["icontains"]}
    search_fields = ["street", "city", "zip_code"]
    search_backend_name = None
    ordering = ["state", "city", "street", "number"]


register_snippet(AddressViewSet)
