"""Who may change which profile, and the profile form of the Wagtail admin that enforces it.

Editors manage the profiles of ordinary users. Only a superuser may switch ``show_email`` (which
publishes an e-mail address) or create, edit or delete the profile of a privileged account: a staff
account (staff or superuser) or a CMS account (one with the ``wagtailadmin.access_admin``
permission, directly or through a group, or in any group at all). Editors must not publish a
colleague's name: for everyone but a superuser the form offers ordinary users only, says why another
choice is refused, and keeps ``show_email`` as it is. ``profiles/wagtail_hooks.py`` and
``profiles/admin.py`` apply the same rules to the views. A profile a superuser gave such an account
stays public: it was a superuser's choice.
"""

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from wagtail.admin.forms import WagtailAdminModelForm

SHOW_EMAIL_LOCKED_HELP = "Only an administrator can change this."


CMS_ACCOUNT_REFUSED = (
    "Only an administrator can give a profile to a staff or CMS account (staff, access to the CMS, or a member "
    "of a group). Choose an ordinary user."
)


def privileged_condition(prefix: str = "") -> Q:
    """Return the condition a privileged account meets, for users (``prefix=""``) or profiles (``"user__"``).

    Staff, superuser, the Wagtail admin's ``access_admin`` permission given to the user directly, or
    membership of any group (the CMS's Editors and Moderators, and any group a superuser adds).
    """
    user_model = get_user_model()
    groups = user_model.groups.through.objects.filter(user_id=OuterRef(f"{prefix}pk"))
    admin_access = user_model.user_permissions.through.objects.filter(
        user_id=OuterRef(f"{prefix}pk"),
        permission__content_type__app_label="wagtailadmin",
        permission__codename="access_admin",
    )
    return (
        Q(**{f"{prefix}is_staff": True})
        | Q(**{f"{prefix}is_superuser": True})
        | Q(Exists(groups))
        | Q(Exists(admin_access))
    )


def with_owner_privilege(profiles):
    """Return ``profiles`` annotated with ``owner_is_privileged``, so a list asks no query per row."""
    return profiles.annotate(
        owner_is_privileged=ExpressionWrapper(privileged_condition("user__"), output_field=BooleanField())
    )


def is_staff_account(user) -> bool:
    """Return whether ``user`` is a staff account (staff or superuser)."""
    return bool(user.is_staff or user.is_superuser)


def is_privileged_account(user) -> bool:
    """Return whether ``user`` is a staff or CMS account, whose profile is the superuser's."""
    return is_staff_account(user) or get_user_model().objects.filter(privileged_condition(), pk=user.pk).exists()


def profile_owner_is_privileged(profile) -> bool:
    """Return whether ``profile`` belongs to a privileged account (read from the annotation when the list made one)."""
    annotated = getattr(profile, "owner_is_privileged", None)
    return is_privileged_account(profile.user) if annotated is None else bool(annotated)


def may_change_profile(editor, profile) -> bool:
    """Return whether ``editor`` may edit or delete ``profile``."""
    return editor.is_superuser or not profile_owner_is_privileged(profile)


def staff_profile_refusal(action: str, profile_user) -> str:
    """Return the message refusing to ``action`` ("change", "delete") the profile of a staff or CMS account."""
    kind = "staff account" if is_staff_account(profile_user) else "CMS account"
    return f"Only an administrator can {action} the profile of a {kind} ({profile_user.get_username()})."


def ordinary_users():
    """Return the accounts that are neither staff nor CMS accounts, by username."""
    return get_user_model().objects.exclude(privileged_condition()).order_by("username")


def restrict_profile_fields(fields, editor, *, existing: bool = False) -> None:
    """Narrow a profile form's ``fields`` for ``editor`` unless a superuser: no privileged account, fixed e-mail switch.

    The account of an ``existing`` profile is fixed too: moving a profile whose e-mail switch a
    superuser turned on to another account would publish that account's address. A disabled field
    ignores what is posted and keeps the profile's current value (False for a new one).
    """
    if editor is None or editor.is_superuser:
        return
    if "user" in fields:
        fields["user"].queryset = ordinary_users()
        fields["user"].error_messages["invalid_choice"] = CMS_ACCOUNT_REFUSED
        fields["user"].disabled = existing
    if "show_email" in fields:
        fields["show_email"].disabled = True
        fields["show_email"].help_text = f"{fields['show_email'].help_text} {SHOW_EMAIL_LOCKED_HELP}".strip()


class ProfileForm(WagtailAdminModelForm):
    """The profile snippet form: staff and CMS accounts and ``show_email`` only for superusers."""

    def __init__(self, *args, **kwargs):
        """Build the form, then restrict it for the user it is for (Wagtail passes ``for_user``)."""
        super().__init__(*args, **kwargs)
        restrict_profile_fields(self.fields, self.for_user, existing=self.instance.pk is not None)
