"""Who may change which profile, and the profile form of the Wagtail admin that enforces it.

Editors manage the profiles of ordinary users. Only a superuser may switch ``show_email`` (which
publishes an e-mail address) or create, edit or delete the profile of a staff account (staff or
superuser): for everyone else the form offers ordinary users only and keeps ``show_email`` as it is.
``profiles/wagtail_hooks.py`` and ``profiles/admin.py`` apply the same rules to the views.
"""

from django.contrib.auth import get_user_model
from wagtail.admin.forms import WagtailAdminModelForm

SHOW_EMAIL_LOCKED_HELP = "Only an administrator can change this."


def is_staff_account(user) -> bool:
    """Return whether ``user`` is a staff account (staff or superuser), whose profile is the superuser's."""
    return bool(user.is_staff or user.is_superuser)


def may_change_profile_of(editor, profile_user) -> bool:
    """Return whether ``editor`` may create, edit or delete the profile of ``profile_user``."""
    return editor.is_superuser or not is_staff_account(profile_user)


def staff_profile_refusal(action: str, profile_user) -> str:
    """Return the message refusing to ``action`` ("change", "delete") the profile of a staff account."""
    return f"Only an administrator can {action} the profile of a staff account ({profile_user.get_username()})."


def ordinary_users():
    """Return the accounts that are neither staff nor superusers, by username."""
    return get_user_model().objects.filter(is_staff=False, is_superuser=False).order_by("username")


def restrict_profile_fields(fields, editor, *, existing: bool = False) -> None:
    """Narrow a profile form's ``fields`` for ``editor`` unless a superuser: no staff accounts, fixed e-mail switch.

    The account of an ``existing`` profile is fixed too: moving a profile whose e-mail switch a
    superuser turned on to another account would publish that account's address. A disabled field
    ignores what is posted and keeps the profile's current value (False for a new one).
    """
    if editor is None or editor.is_superuser:
        return
    if "user" in fields:
        fields["user"].queryset = ordinary_users()
        fields["user"].disabled = existing
    if "show_email" in fields:
        fields["show_email"].disabled = True
        fields["show_email"].help_text = f"{fields['show_email'].help_text} {SHOW_EMAIL_LOCKED_HELP}".strip()


class ProfileForm(WagtailAdminModelForm):
    """The profile snippet form: staff accounts and ``show_email`` only for superusers."""

    def __init__(self, *args, **kwargs):
        """Build the form, then restrict it for the user it is for (Wagtail passes ``for_user``)."""
        super().__init__(*args, **kwargs)
        restrict_profile_fields(self.fields, self.for_user, existing=self.instance.pk is not None)
