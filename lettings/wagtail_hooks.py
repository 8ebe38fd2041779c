"""Wagtail admin registration: addresses as a snippet with list columns, search, filters and export."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet

from .models import Address, LettingPage


class AddressDeleteView(DeleteView):
    """Refuse, with a message, to delete an address that a letting still uses."""

    def form_valid(self, form):
        """Delete the address unless a letting points at it; then explain what to do instead."""
        letting = LettingPage.objects.filter(address=self.object).first()
        if letting is None:
            return super().form_valid(form)
        messages.error(
            self.request,
            f"“{self.object}” is the address of the letting “{letting.title}”. "
            "Give that letting another address, or delete the letting, before deleting this address.",
        )
        return redirect(self.get_success_url())


class AddressViewSet(SnippetViewSet):
    """Addresses in ``/cms/snippets/``: searchable, filterable by state and city, exportable."""

    model = Address
    icon = "home"
    menu_label = "Addresses"
    menu_order = 200
    add_to_admin_menu = True
    delete_view_class = AddressDeleteView
    list_display = ["__str__", "city", "state", "zip_code", "country_iso_code", "letting"]
    list_export = ["number", "street", "city", "state", "zip_code", "country_iso_code"]
    export_filename = "addresses"
    list_filter = {"state": ["exact"], "city": ["icontains"]}
    search_fields = ["street", "city", "zip_code"]
    search_backend_name = None
    ordering = ["state", "city", "street", "number"]


register_snippet(AddressViewSet)
