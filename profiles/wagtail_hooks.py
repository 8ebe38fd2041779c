"""Wagtail admin registration: profiles as a snippet with list columns, search, filters and export.

Editors manage ordinary users' profiles; the profiles of staff and CMS accounts and the ``show_email``
switch are the superuser's (``profiles/forms.py`` holds the rules). The form enforces them on creation
and editing; the hooks below refuse to open, change or delete (alone or in bulk) the profile of a
staff or CMS account, and the list offers no edit or delete link for one. Deleting a user says the profile goes too.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from .forms import ProfileForm, may_change_profile, staff_profile_refusal, with_owner_privilege
from .models import Profile

LIST_URL_NAME = "wagtailsnippets_profiles_profile:list"


class ProfileIndexView(IndexView):
    """The profile list: no edit or delete link on a staff or CMS account's profile unless for a superuser."""

    def get_edit_url(self, instance):
        """Return the edit URL, or None for a profile this user may not change."""
        if not may_change_profile(self.request.user, instance):
            return None
        return super().get_edit_url(instance)

    def get_delete_url(self, instance):
        """Return the delete URL, or None for a profile this user may not delete."""
        if not may_change_profile(self.request.user, instance):
            return None
        return super().get_delete_url(instance)


class ProfileViewSet(SnippetViewSet):
    """Profiles in ``/cms/snippets/``: searchable by username, names and city; exportable."""

    model = Profile
    icon = "user"
    menu_label = "Profiles"
    menu_order = 210
    add_to_admin_menu = True
    index_view_class = ProfileIndexView
    # Wagtail's copy view saves a POST over the profile it copies, past the edit view's checks.
    copy_view_enabled = False
    edit_handler = ObjectList(Profile.panels, base_form_class=ProfileForm)
    list_display = ["username", "full_name", "favorite_city", "show_email"]
    list_export = ["username", "full_name", "favorite_city", "show_email"]
    export_filename = "profiles"
    list_filter = {"favorite_city": ["icontains"], "show_email": ["exact"]}
    search_fields = ["user__username", "user__first_name", "user__last_name", "favorite_city"]
    search_backend_name = None
    ordering = ["user__username"]

    def get_queryset(self, request):
        """Fetch each profile's user, and whether it is a staff or CMS account, in the same query as the list."""
        return with_owner_privilege(Profile.objects.select_related("user"))


register_snippet(ProfileViewSet)


def _refuse(request, refusals: list[str]):
    """Show the refusals and go back to ``next`` or to the profile list."""
    messages.error(request, " ".join(refusals))
    return redirect(get_valid_next_url_from_request(request) or reverse(LIST_URL_NAME))


@hooks.register("before_edit_snippet")
def refuse_editing_staff_profiles(request, instance):
    """Keep a staff or CMS account's profile from anyone but a superuser (the form and the saving alike)."""
    if isinstance(instance, Profile) and not may_change_profile(request.user, instance):
        return _refuse(request, [staff_profile_refusal("change", instance.user)])
    return None


@hooks.register("before_delete_snippet")
def refuse_deleting_staff_profiles(request, instances):
    """Refuse the single and the bulk delete of a staff or CMS account's profile; a bulk delete then deletes none."""
    refusals = [
        staff_profile_refusal("delete", instance.user)
        for instance in instances
        if isinstance(instance, Profile) and not may_change_profile(request.user, instance)
    ]
    if refusals:
        if len(instances) > 1:
            refusals.insert(0, "Nothing was deleted.")
        return _refuse(request, refusals)
    return None


@hooks.register("before_delete_user")
def warn_that_the_profile_goes_too(request, user):
    """Say on the user delete confirmation that the user's public profile is deleted with the account."""
    if request.method == "GET" and Profile.objects.filter(user=user).exists():
        messages.warning(request, "This user's public profile will be deleted too.")
    return None
