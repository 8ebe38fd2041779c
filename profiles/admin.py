"""Raw CRUD on profiles in the Django admin (``/admin/``); users keep Django's own user admin.

Staff who are not superusers get the same limits as editors in ``/cms/`` (``profiles/forms.py``):
they see ``show_email`` but cannot change it, and cannot add, change or delete the profile of a
staff or CMS account (nor pick one for a profile: the form says why).
"""

from django.contrib import admin

from .forms import CMS_ACCOUNT_REFUSED, may_change_profile, ordinary_users, with_owner_privilege
from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Profiles with their user, searchable by username, names and favourite city."""

    list_display = ("username", "full_name", "favorite_city", "show_email")
    list_filter = ("show_email",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "favorite_city")
    list_select_related = ("user",)
    ordering = ("user__username",)

    @admin.display(ordering="user__username")
    def username(self, profile: Profile) -> str:
        """Return the profile's username."""
        return profile.user.username

    @admin.display(description="name")
    def full_name(self, profile: Profile) -> str:
        """Return the user's full name."""
        return profile.user.get_full_name()

    def get_queryset(self, request):
        """Return the profiles, each knowing whether its account is a staff or CMS one (no query per row)."""
        return with_owner_privilege(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        """Show ``show_email`` read-only to anyone but a superuser (a new profile keeps the default, off)."""
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        # The account of an existing profile is fixed: moving it could publish another person's address.
        return (*readonly, "show_email", "user") if obj is not None else (*readonly, "show_email")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only ordinary accounts (no staff or CMS account) to anyone but a superuser."""
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = ordinary_users()
            kwargs["error_messages"] = {"invalid_choice": CMS_ACCOUNT_REFUSED}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        """Refuse changing a staff or CMS account's profile to anyone but a superuser."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change_profile(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        """Refuse deleting a staff or CMS account's profile to anyone but a superuser."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change_profile(request.user, obj))
