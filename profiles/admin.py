"""Raw CRUD on profiles in the Django admin (``/admin/``); users keep Django's own user admin."""

from django.contrib import admin

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
