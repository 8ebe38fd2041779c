"""Wagtail admin registration: profiles as a snippet with list columns, search, filters and export."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Profile


class ProfileViewSet(SnippetViewSet):
    """Profiles in ``/cms/snippets/``: searchable by username, names and city; exportable."""

    model = Profile
    icon = "user"
    menu_label = "Profiles"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["username", "full_name", "favorite_city", "show_email"]
    list_export = ["username", "full_name", "favorite_city", "show_email"]
    export_filename = "profiles"
    list_filter = {"favorite_city": ["icontains"], "show_email": ["exact"]}
    search_fields = ["user__username", "user__first_name", "user__last_name", "favorite_city"]
    search_backend_name = None
    ordering = ["user__username"]

    def get_queryset(self, request):
        """Fetch each profile's user in the same query as the list."""
        return Profile.objects.select_related("user")


register_snippet(ProfileViewSet)
