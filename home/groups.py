"""The "Editors" and "Moderators" groups and the permissions they hold.

Wagtail's own migrations create both groups with page permissions on the root page and a
"Moderators approval" workflow. After every ``migrate`` (``home/apps.py`` connects it to
``post_migrate``, so existing databases get it too) this module adds what this site needs on top:
editors may also publish (and so unpublish) lettings and manage addresses, amenities, booked periods, profiles,
images and documents; moderators approve what editors submit and may delete lettings
(``DELETE_LETTINGS``, which ``home/wagtail_hooks.py`` requires because deleting a letting destroys
its revisions).
Neither group is staff, so neither reaches ``/admin/``.
"""

import logging

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS

logger = logging.getLogger(__name__)

EDITORS = "Editors"
MODERATORS = "Moderators"
# Deleting a letting page (and its revisions): moderators and superusers only.
DELETE_LETTINGS = "lettings.delete_lettingpage"

SNIPPET_MODELS = (
    ("lettings", "address"),
    ("lettings", "amenity"),
    ("lettings", "bookedperiod"),
    ("lettings", "calendarfeed"),
    ("profiles", "profile"),
)
# Both groups read enquiries and change their status; editors also set where enquiries are mailed.
ENQUIRY_PERMISSIONS = {
    EDITORS: ("enquiries.view_enquiry", "enquiries.change_enquiry", "enquiries.change_enquirysettings"),
    MODERATORS: ("enquiries.view_enquiry", "enquiries.change_enquiry"),
}
MODEL_PERMISSIONS = {EDITORS: (), MODERATORS: (DELETE_LETTINGS,)}
PAGE_PERMISSIONS = {
    EDITORS: ("add_page", "change_page", "publish_page"),
    MODERATORS: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "image", ("add", "change", "choose", "delete")),
    ("wagtaildocs", "document", ("add", "change", "choose", "delete")),
)


def _permission(app_label: str, codename: str) -> Permission:
    """Return one permission by app label and codename."""
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant_group_permissions(sender=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Create both groups if needed and grant their permissions; running it again changes nothing."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    for label in ("wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "lettings", "profiles", "enquiries"):
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    access_admin = _permission("wagtailadmin", "access_admin")

    for group_name, page_codenames in PAGE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=group_name)
        if created:
            logger.info("Created the %s group", group_name)
        group.permissions.add(access_admin)
        for app_label, model in SNIPPET_MODELS:
            actions = ("add", "change", "delete", "view") if group_name == EDITORS else ("view",)
            group.permissions.add(*(_permission(app_label, f"{action}_{model}") for action in actions))
        for permission in (*MODEL_PERMISSIONS[group_name], *ENQUIRY_PERMISSIONS[group_name]):
            group.permissions.add(_permission(*permission.split(".")))
        if root_page is not None:
            for codename in page_codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=_permission("wagtailcore", codename)
                )
        if root_collection is not None:
            for app_label, model, actions in COLLECTION_PERMISSIONS:
                for action in actions:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=_permission(app_label, f"{action}_{model}"),
                    )
