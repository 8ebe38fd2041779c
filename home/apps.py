"""App configuration of the home app."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HomeConfig(AppConfig):
    """Registers the home app and grants the editors' and moderators' permissions after migrating."""

    name = "home"
    verbose_name = "Home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the group set-up, which needs the permissions Django creates after migrating."""
        from .groups import grant_group_permissions

        post_migrate.connect(grant_group_permissions, sender=self, dispatch_uid="home.grant_group_permissions")
