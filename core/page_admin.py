"""Pages in the Django admin: the superuser's save never silently replaces an editor's newer draft.

The Django admin edits a page's own row: what is live, or what an unpublished page holds. The
Wagtail admin edits the page's latest revision, which an editor may have saved as a draft since. A
save in the Django admin writes its form over the row and saves a new latest revision made from it,
so without care it replaces the editor's draft in ``/cms/`` (only the history keeps it).

The rule (issue 22, item 3): the Django admin says that a newer draft exists (who saved it, when,
what it changes, whether it waits for moderation or a scheduled date) and refuses to save over it
unless the superuser ticks "Replace the newer draft". The form also remembers which revision it was
opened on: when anything saved a revision since (an editor's draft, a moderator's publish), the save
is refused and says so, even with the box ticked, since that box answered another question.

A *newer draft* is a latest revision whose content differs from the row in any field the Wagtail
editor shows, as Wagtail's own revision comparison reads it (the edit handler's comparisons, those of
the "Compare" view of the page's history): a revision the Django admin itself saved from the row is
not one. A revision scheduled to go live always counts, even when its fields equal the row (an
unpublished page's row takes the scheduled revision's values): at its date it is published over
whatever the Django admin saved, so the superuser is told and must confirm.
"""

import logging
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import Page, Revision

logger = logging.getLogger(__name__)

REPLACE_LABEL = "Replace the newer draft"


def saved_by(revision: Revision) -> str:
    """Return who saved ``revision``: their full name, else their login; "someone" for a script's."""
    user = revision.user
    return (user.get_full_name() or user.get_username()) if user else "someone"


@dataclass(frozen=True)
class NewerDraft:
    """A page's latest revision that holds changes its row does not: who saved it, when, and what it changes."""

    revision: Revision
    changed: tuple[str, ...]  # the labels of the fields it changes, in the editor's order
    in_moderation: bool
    scheduled: bool

    def describe(self) -> str:
        """Return one sentence: "saved by edna on 3 Dec 2026 at 10:15, changing Title and Body"."""
        who, when = (
            saved_by(self.revision),
            _when(self.revision.created_at),
        )
        changed = (
            ", ".join(self.changed[:-1]) + f" and {self.changed[-1]}" if len(self.changed) > 1 else self.changed[0]
        )
        notes = [
            note
            for flag, note in (
                (self.in_moderation, "waiting for moderation"),
                (self.scheduled, "scheduled for publishing"),
            )
            if flag
        ]
        return f"saved by {who} on {when}, changing {changed}" + (f" ({', '.join(notes)})" if notes else "")


def newer_draft(page: Page) -> NewerDraft | None:
    """Return the page's newer draft, or None when its latest revision holds nothing its row does not.

    Read once per page object (the admin asks while choosing the form's fields, then the form): call it
    before the form's values are put on the page.
    """
    if "_newer_draft" not in page.__dict__:
        page.__dict__["_newer_draft"] = _newer_draft(page)
    return page.__dict__["_newer_draft"]


def _newer_draft(page: Page) -> NewerDraft | None:
    """Compare the page's row with its latest revision, as Wagtail's history "Compare" view does."""
    if page.pk is None or page.latest_revision_id is None:
        return None
    revision = page.latest_revision
    try:
        draft = revision.as_object()
        comparisons = page.get_edit_handler().get_bound_panel(instance=page, form=None, request=None).get_comparison()
        changed = tuple(
            str(comparison.field_label())
            for compare in comparisons
            if (comparison := compare(page, draft)).has_changed()
        )
    except Exception:  # a revision that cannot be read or compared is treated as a newer draft: never a 500
        logger.exception("Could not compare page %s with its latest revision %s", page.pk, revision.pk)
        changed = ("fields that could not be compared",)
    scheduled = page.scheduled_revision
    if not changed and scheduled is None:
        return None
    if not changed:  # the row holds the scheduled revision's values: publishing it would undo this save
        revision, changed = scheduled, (f"nothing yet, but it goes live on {_when(scheduled.approved_go_live_at)}",)
    workflow_state = page.current_workflow_state
    return NewerDraft(
        revision=revision,
        changed=changed,
        in_moderation=bool(workflow_state and workflow_state.status == workflow_state.STATUS_IN_PROGRESS),
        scheduled=scheduled is not None,
    )


def _when(moment) -> str:
    """Return a moment as the admin's messages write it: "3 Dec 2026 at 10:15" (local time)."""
    return date_format(timezone.localtime(moment), "j M Y \\a\\t H:i")


def replace_drafts_with(page: Page, revision: Revision, user) -> None:
    """End what the older revisions still had coming, once ``revision`` (the Django admin's save) replaced them.

    A schedule would publish an older revision over this save at its date, and a moderation request
    in progress would publish this save when approved, which the superuser did not ask for: the
    schedule is cleared and the request cancelled, both in the page's history. The form refused this
    save until the superuser confirmed it (a scheduled revision is always a newer draft, and a draft in
    moderation is one whenever it changes a field), so nothing of substance is cancelled unannounced.
    """
    for older in page.revisions.exclude(pk=revision.pk).filter(approved_go_live_at__isnull=False):
        # Saved as Wagtail's own "Cancel scheduled publish" saves it: logged in the page's history.
        older.approved_go_live_at = None
        older.save(user=user, update_fields=["approved_go_live_at"])
    workflow_state = page.current_workflow_state
    if workflow_state is not None and workflow_state.status == workflow_state.STATUS_IN_PROGRESS:
        workflow_state.cancel(user=user)


class DraftAwarePageAdminForm(forms.ModelForm):
    """A Django admin form of a Wagtail page that refuses to replace a newer draft or a revision saved since it opened.

    ``opened_revision`` (hidden) carries the page's latest revision when the form was opened;
    ``replace_draft`` (shown only while a newer draft exists) is the superuser's confirmation.
    """

    opened_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    replace_draft = forms.BooleanField(required=False, label=REPLACE_LABEL)

    def __init__(self, *args, **kwargs):
        """Read the page's newer draft from the database as it is now, before the form's values touch the page."""
        super().__init__(*args, **kwargs)
        self.newer_draft = newer_draft(self.instance)
        self.initial["opened_revision"] = self.instance.latest_revision_id
        if self.newer_draft is not None:
            self.fields["replace_draft"].help_text = (
                f"A newer draft exists, {self.newer_draft.describe()}. This form shows the page as it is "
                "live (or as it was created), not that draft. Tick to save this form over it anyway: the "
                "draft then stays only in the page's history, its schedule is cleared and its moderation "
                "request cancelled."
            )

    def clean(self) -> dict:
        """Refuse a form opened before the latest revision, then a newer draft the superuser did not say to replace."""
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        latest = self.instance.latest_revision
        if cleaned_data.get("opened_revision") != self.instance.latest_revision_id:
            # Shown again, the form now carries the revision it was refused for: saving again is a choice.
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_revision")] = latest.pk if latest else ""
            who = saved_by(latest) if latest else "someone"
            raise forms.ValidationError(
                f"This page changed since you opened this form: {who} saved a new version at "
                f"{date_format(timezone.localtime(latest.created_at), 'H:i') if latest else 'an unknown time'}. "
                "Nothing was saved. Open the page again to see that version, or save again to replace it.",
                code="changed_since_opened",
            )
        if self.newer_draft is not None and not cleaned_data.get("replace_draft"):
            raise forms.ValidationError(
                f"A newer draft of this page exists, {self.newer_draft.describe()}. Nothing was saved: "
                f"tick “{REPLACE_LABEL}” to save this form over it, or leave the draft to its editor.",
                code="newer_draft",
            )
        return cleaned_data


class DraftAwarePageAdmin:
    """A ``ModelAdmin`` mixin: "Replace the newer draft" shows only while there is one, announced as the form opens."""

    def get_fields(self, request, obj=None):
        """Leave out the "Replace the newer draft" box unless the page has a newer draft."""
        fields = list(super().get_fields(request, obj))
        if obj is None or newer_draft(obj) is None:
            fields.remove("replace_draft")
        return fields

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Add a warning naming the newer draft to the change form as it first opens."""
        form = context["adminform"].form
        draft = getattr(form, "newer_draft", None)
        if change and request.method == "GET" and draft is not None:
            messages.warning(
                request,
                f"This page has a newer draft, {draft.describe()}. The form below shows the page without it; "
                f"saving it replaces that draft only if you tick “{REPLACE_LABEL}”.",
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
