"""App configuration of the profiles app: names the records whose edits clear the page cache."""

from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Registers the profiles app."""

    name = "profiles"
    verbose_name = "Profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Clear the page cache when a profile or a user changes: the user gives a profile its name."""
        from django.contrib.auth import get_user_model

        from pagecache.signals import clear_when_changed

        from .models import Profile

        clear_when_changed(Profile)
        # A login stamps the user (last_login, a rehashed password); nothing a visitor sees changes.
        clear_when_changed(get_user_model(), ignored_fields=frozenset({"last_login", "password"}))
