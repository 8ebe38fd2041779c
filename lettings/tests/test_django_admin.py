"""The superuser's raw CRUD on addresses and lettings in the Django admin (``/admin/``)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from lettings.models import Address, LettingPage
from testing.factories import make_address, make_letting
from testing.forms import letting_form

pytestmark = pytest.mark.django_db


def fixtree_report() -> str:
    """Return what ``manage.py fixtree`` says about the page tree."""
    output = io.StringIO()
    call_command("fixtree", stdout=output)
    return output.getvalue()


def letting_data(address: Address, **fields) -> dict:
    """Return the POST data of the Django admin's letting form."""
    data = {
        "title": "Admin Letting",
        "slug": "",
        "address": address.pk,
        "summary": "Made in the Django admin.",
        "body": "<p>Raw body.</p>",
        "legacy_id": "",
        "publish": "on",
    }
    data.update(fields)
    return data


def test_model_list_shows_plural_names(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    for name in ("Addresses", "Lettings", "Profiles", "Users"):
        assert f">{name}<" in response.text
    assert "Addresss" not in response.text


def test_address_crud(client, superuser):
    client.force_login(superuser)
    add = client.post(
        reverse("admin:lettings_address_add"),
        {
            "number": 4,
            "street": "Military Street",
            "city": "Willoughby",
            "state": "OH",
            "zip_code": "04094",
            "country_iso_code": "USA",
        },
    )
    assert add.status_code == 302
    address = Address.objects.get(street="Military Street")
    assert address.zip_code == "04094"
    listing = client.get(reverse("admin:lettings_address_changelist"), {"q": "willoughby"})
    assert "4 Military Street" in listing.text
    change = client.post(
        reverse("admin:lettings_address_change", args=[address.pk]),
        {
            "number": 5,
            "street": "Military Street",
            "city": "Willoughby",
            "state": "OH",
            "zip_code": "04094",
            "country_iso_code": "USA",
        },
    )
    assert change.status_code == 302
    address.refresh_from_db()
    assert address.number == 5
    client.post(reverse("admin:lettings_address_delete", args=[address.pk]), {"post": "yes"})
    assert not Address.objects.filter(pk=address.pk).exists()


def test_bad_address_values_show_errors_and_save_nothing(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:lettings_address_add"),
        {
            "number": 0,
            "street": "Bad Street",
            "city": "X",
            "state": "XYZ",
            "zip_code": "123456",
            "country_iso_code": "US",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"number", "state", "zip_code", "country_iso_code"}
    assert not Address.objects.filter(street="Bad Street").exists()


def test_letting_created_in_the_django_admin_is_a_live_page_under_the_index(client, superuser, lettings_index):
    client.force_login(superuser)
    address = make_address(city="Brunswick")
    response = client.post(reverse("admin:lettings_lettingpage_add"), letting_data(address, legacy_id="77"))
    assert response.status_code == 302
    letting = LettingPage.objects.get(title="Admin Letting")
    assert letting.get_parent().pk == lettings_index.pk
    assert letting.live
    assert letting.revisions.count() == 1
    assert "No problems found" in fixtree_report()
    client.logout()
    assert "Made in the Django admin." in client.get("/lettings/admin-letting/").text
    assert client.get("/lettings/77/")["Location"] == "/lettings/admin-letting/"


def test_letting_changed_and_unpublished_then_deleted_in_the_django_admin(client, superuser, lettings_index):
    letting = make_letting(lettings_index, title="Old Title")
    client.force_login(superuser)
    url = reverse("admin:lettings_lettingpage_change", args=[letting.pk])
    opened = client.get(url)
    assert opened.status_code == 200
    data = letting_data(letting.address, title="New Title", slug=letting.slug, publish="")
    response = client.post(url, {**data, "opened_revision": opened_revision(opened)})
    assert response.status_code == 302
    letting.refresh_from_db()
    assert letting.title == "New Title"
    assert not letting.live
    assert client.get(f"/lettings/{letting.slug}/").status_code == 404

    response = client.post(reverse("admin:lettings_lettingpage_delete", args=[letting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not LettingPage.objects.filter(pk=letting.pk).exists()
    assert Address.objects.filter(pk=letting.address_id).exists()
    assert "No problems found" in fixtree_report()


def test_bulk_delete_keeps_the_tree_valid(client, superuser, lettings_index):
    lettings = [make_letting(lettings_index) for _ in range(3)]
    client.force_login(superuser)
    response = client.post(
        reverse("admin:lettings_lettingpage_changelist"),
        {"action": "delete_selected", "_selected_action": [page.pk for page in lettings[:2]], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(LettingPage.objects.all()) == [lettings[2]]
    lettings_index.refresh_from_db()
    assert lettings_index.numchild == 1
    assert "No problems found" in fixtree_report()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"slug": "123"}, "slug", "only digits"),
        ({"title": "Taken", "slug": "taken"}, "slug", "already used"),
        ({"title": ""}, "title", "required"),
        ({"title": "!!!"}, "slug", "The title gives no slug"),
    ],
)
def test_letting_form_errors_save_nothing(client, superuser, lettings_index, fields, field, message):
    make_letting(lettings_index, title="Taken")
    client.force_login(superuser)
    before = LettingPage.objects.count()
    response = client.post(reverse("admin:lettings_lettingpage_add"), letting_data(make_address(), **fields))
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert LettingPage.objects.count() == before


def test_a_title_of_digits_gets_the_next_free_letting_slug(client, superuser, lettings_index):
    make_letting(lettings_index, title="1984")  # letting-1984
    client.force_login(superuser)
    response = client.post(reverse("admin:lettings_lettingpage_add"), letting_data(make_address(), title="1984"))
    assert response.status_code == 302
    assert sorted(LettingPage.objects.values_list("slug", flat=True)) == ["letting-1984", "letting-1984-2"]


def test_address_of_a_letting_is_protected_in_the_django_admin(client, superuser, lettings_index):
    letting = make_letting(lettings_index)
    client.force_login(superuser)
    response = client.post(reverse("admin:lettings_address_delete", args=[letting.address_id]), {"post": "yes"})
    assert response.status_code == 200
    assert "Cannot delete address" in response.text
    assert Address.objects.filter(pk=letting.address_id).exists()


def test_editor_gets_the_login_page_and_no_data(client, editor, lettings_index):
    make_letting(lettings_index, title="Private Data")
    client.force_login(editor)
    for url in (reverse("admin:index"), reverse("admin:lettings_lettingpage_changelist")):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
        assert "Private Data" not in response.text
        assert "not authorized" in response.text


# Item 3 of issue 22: the superuser's save never silently replaces an editor's newer draft.


def editor_saves_a_draft(client, editor, letting: LettingPage, title: str, *, submit: bool = False) -> None:
    """Save a draft of ``letting`` in the Wagtail admin as ``editor``, with a new title (submitted for moderation)."""
    client.force_login(editor)
    data = letting_form(
        letting.address, title=title, slug=letting.slug, **({"action-submit": "submit"} if submit else {})
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[letting.pk]), data)
    assert response.status_code == 302


def what_the_editor_sees(client, editor, letting: LettingPage) -> str:
    """Return the title the Wagtail admin's edit form shows ``editor`` for ``letting``."""
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[letting.pk]))
    assert response.status_code == 200
    return response.context["form"]["title"].value()


def open_change_form(client, superuser, letting: LettingPage):
    """Open the Django admin's change form of ``letting`` as the superuser; return the response."""
    client.force_login(superuser)
    response = client.get(reverse("admin:lettings_lettingpage_change", args=[letting.pk]))
    assert response.status_code == 200
    latest = LettingPage.objects.get(pk=letting.pk).latest_revision_id
    assert f'name="opened_revision" value="{latest}"' in response.text  # what the browser posts back
    return response


def opened_revision(response) -> str:
    """Return the revision the change form was opened on (its hidden field), as the browser posts it back."""
    return response.context["adminform"].form["opened_revision"].value() or ""


def test_a_new_letting_in_the_django_admin_is_not_published_unless_ticked(client, superuser, lettings_index):
    client.force_login(superuser)
    form = client.get(reverse("admin:lettings_lettingpage_add")).context["adminform"].form
    assert form["publish"].value() is False
    assert 'name="publish" checked' not in str(form["publish"])
    data = letting_data(make_address(), title="Quiet Letting")
    del data["publish"]  # an unticked box is not posted
    assert client.post(reverse("admin:lettings_lettingpage_add"), data).status_code == 302
    letting = LettingPage.objects.get(title="Quiet Letting")
    assert not letting.live
    assert letting.latest_revision is not None


def test_a_live_letting_without_a_newer_draft_saves_at_once(client, superuser, editor, lettings_index):
    letting = make_letting(lettings_index, title="Plain Title")
    response = open_change_form(client, superuser, letting)
    assert "newer draft" not in response.text
    data = letting_data(letting.address, title="Superuser Title", slug=letting.slug)
    data["opened_revision"] = opened_revision(response)
    response = client.post(reverse("admin:lettings_lettingpage_change", args=[letting.pk]), data)
    assert response.status_code == 302
    letting.refresh_from_db()
    assert (letting.title, letting.live, letting.has_unpublished_changes) == ("Superuser Title", True, False)
    assert what_the_editor_sees(client, editor, letting) == "Superuser Title"


def test_a_newer_draft_is_named_and_never_replaced_unless_the_superuser_confirms(
    client, superuser, editor, lettings_index
):
    letting = make_letting(lettings_index, title="Live Title")
    editor_saves_a_draft(client, editor, letting, "Editor's Draft")
    draft = letting.revisions.order_by("-pk").first()

    response = open_change_form(client, superuser, letting)
    assert "newer draft" in response.text
    assert "edna" in response.text  # who saved it
    data = letting_data(letting.address, title="Superuser Title", slug=letting.slug)
    data["opened_revision"] = opened_revision(response)
    url = reverse("admin:lettings_lettingpage_change", args=[letting.pk])
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "newer draft" in " ".join(refused.context["adminform"].form.non_field_errors())
    letting.refresh_from_db()
    assert (letting.title, letting.latest_revision_id) == ("Live Title", draft.pk)
    assert what_the_editor_sees(client, editor, letting) == "Editor's Draft"

    client.force_login(superuser)
    confirmed = client.post(url, {**data, "replace_draft": "on"})
    assert confirmed.status_code == 302
    letting.refresh_from_db()
    assert (letting.title, letting.live) == ("Superuser Title", True)
    assert what_the_editor_sees(client, editor, letting) == "Superuser Title"
    assert letting.revisions.filter(pk=draft.pk).exists()  # the editor's draft stays in the history


def test_a_draft_saved_after_the_form_was_opened_is_not_replaced(client, superuser, editor, lettings_index):
    letting = make_letting(lettings_index, title="Live Title")
    response = open_change_form(client, superuser, letting)
    assert "newer draft" not in response.text
    editor_saves_a_draft(client, editor, letting, "Editor's Draft")

    client.force_login(superuser)
    data = letting_data(letting.address, title="Superuser Title", slug=letting.slug, replace_draft="on")
    data["opened_revision"] = opened_revision(response)
    refused = client.post(reverse("admin:lettings_lettingpage_change", args=[letting.pk]), data)
    assert refused.status_code == 200
    assert "changed since" in " ".join(refused.context["adminform"].form.non_field_errors())
    letting.refresh_from_db()
    assert letting.title == "Live Title"
    assert what_the_editor_sees(client, editor, letting) == "Editor's Draft"


def test_a_never_published_letting_opens_on_its_editors_latest_draft(client, superuser, editor, lettings_index):
    # Wagtail writes an unpublished page's drafts to its row too: the Django admin shows the latest one.
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", lettings_index.pk])
    assert client.post(add_url, letting_form(make_address(), title="First Draft")).status_code == 302
    letting = LettingPage.objects.get(slug="lakeside-cabin")
    editor_saves_a_draft(client, editor, letting, "Second Draft")

    response = open_change_form(client, superuser, letting)
    assert "newer draft" not in response.text
    assert response.context["adminform"].form["title"].value() == "Second Draft"
    data = letting_data(letting.address, title="Second Draft, checked", slug=letting.slug, publish="")
    data["opened_revision"] = opened_revision(response)
    assert client.post(reverse("admin:lettings_lettingpage_change", args=[letting.pk]), data).status_code == 302
    assert what_the_editor_sees(client, editor, letting) == "Second Draft, checked"


def test_an_unpublished_letting_saved_in_the_django_admin_is_not_its_own_newer_draft(client, superuser, lettings_index):
    client.force_login(superuser)
    data = letting_data(make_address(), title="Quiet Letting", publish="")
    assert client.post(reverse("admin:lettings_lettingpage_add"), data).status_code == 302
    letting = LettingPage.objects.get(title="Quiet Letting")
    response = open_change_form(client, superuser, letting)
    assert "newer draft" not in response.text
    data = {**data, "title": "Quieter Letting", "slug": letting.slug, "opened_revision": opened_revision(response)}
    assert client.post(reverse("admin:lettings_lettingpage_change", args=[letting.pk]), data).status_code == 302
    letting.refresh_from_db()
    assert letting.title == "Quieter Letting"


def test_a_draft_waiting_for_moderation_is_named_as_such(client, superuser, editor, lettings_index):
    letting = make_letting(lettings_index, title="Live Title")
    editor_saves_a_draft(client, editor, letting, "Submitted Draft", submit=True)
    response = open_change_form(client, superuser, letting)
    warning = next(str(message) for message in response.context["messages"] if "newer draft" in str(message))
    assert "saved by edna" in warning
    assert "changing Title" in warning
    assert "waiting for moderation" in warning
    # A made-up revision number is a form error, never a server error.
    data = letting_data(letting.address, slug=letting.slug, opened_revision="x", replace_draft="on")
    assert client.post(reverse("admin:lettings_lettingpage_change", args=[letting.pk]), data).status_code == 200


# Item 4 of issue 22: rich text typed in the Django admin is cleaned to what the Wagtail editor allows.

HOSTILE_BODY = (
    '<p>Hello<script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">there</a></p>'
    '<h2 onclick="alert(4)">Heading</h2><p style="color:red"><b>Bold</b> stays.</p>'
)


def test_rich_text_typed_in_the_django_admin_is_cleaned_before_it_reaches_the_page(client, superuser, lettings_index):
    client.force_login(superuser)
    data = letting_data(make_address(), body=HOSTILE_BODY, house_rules=HOSTILE_BODY)
    assert client.post(reverse("admin:lettings_lettingpage_add"), data).status_code == 302
    letting = LettingPage.objects.get(title="Admin Letting")
    revision = letting.latest_revision.content
    for stored in (letting.body, letting.house_rules, revision["body"], revision["house_rules"]):
        for bad in ("<script", "alert(", "onerror", "javascript:", "onclick", "style=", "<img"):
            assert bad not in stored
        assert "Hello" in stored
        assert "<b>Bold</b> stays." in stored
    assert "<h2" in letting.body
    assert "<h2" not in letting.house_rules  # house rules have no headings in the editor
    client.logout()
    page = client.get("/lettings/admin-letting/").text
    assert "Hello" in page
    for bad in ("alert(", "onerror", "javascript:"):
        assert bad not in page


def test_a_letting_saved_again_in_the_django_admin_is_not_its_own_newer_draft(client, superuser, lettings_index):
    # Its row and its revision are cleaned alike: the next form opens without a warning.
    client.force_login(superuser)
    data = letting_data(make_address(), body="<b><p>Odd</p></b><p>Hello</p>", publish="")
    assert client.post(reverse("admin:lettings_lettingpage_add"), data).status_code == 302
    letting = LettingPage.objects.get(title="Admin Letting")
    assert "newer draft" not in open_change_form(client, superuser, letting).text


def test_a_revision_that_cannot_be_compared_counts_as_a_newer_draft(client, superuser, lettings_index, monkeypatch):
    letting = make_letting(lettings_index, title="Live Title")

    def unreadable(revision):
        raise ValueError("a revision of an older schema")

    monkeypatch.setattr(Revision, "as_object", unreadable)
    response = open_change_form(client, superuser, letting)
    assert "fields that could not be compared" in response.text
    data = {**letting_data(letting.address, slug=letting.slug), "opened_revision": opened_revision(response)}
    refused = client.post(reverse("admin:lettings_lettingpage_change", args=[letting.pk]), data)
    assert refused.status_code == 200
    assert "newer draft" in " ".join(refused.context["adminform"].form.non_field_errors())


def test_a_revision_scheduled_to_go_live_is_named_even_when_its_fields_equal_the_row(client, superuser, lettings_index):
    letting = make_letting(lettings_index, title="Autumn Title")
    letting.unpublish()
    # As the Wagtail admin's date picker sends it: whole minutes.
    letting.go_live_at = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    scheduled = letting.save_revision()
    scheduled.publish()  # a future go-live date: scheduled, and the unpublished row takes its values
    letting = LettingPage.objects.get(pk=letting.pk)
    assert letting.scheduled_revision == scheduled

    response = open_change_form(client, superuser, letting)
    assert "newer draft" in response.text
    warning = next(str(message) for message in response.context["messages"] if "newer draft" in str(message))
    assert "goes live on" in warning
    assert "scheduled for publishing" in warning
    data = letting_data(letting.address, title="Superuser Title", slug=letting.slug, publish="")
    data["opened_revision"] = opened_revision(response)
    url = reverse("admin:lettings_lettingpage_change", args=[letting.pk])
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "newer draft" in " ".join(refused.context["adminform"].form.non_field_errors())
    assert LettingPage.objects.get(pk=letting.pk).title == "Autumn Title"

    confirmed = client.post(url, {**data, "replace_draft": "on"})
    assert confirmed.status_code == 302
    letting = LettingPage.objects.get(pk=letting.pk)
    assert letting.title == "Superuser Title"
    # The replaced revision is no longer scheduled (its date would otherwise publish it over this save),
    # and the page's history says so.
    assert letting.scheduled_revision is None
    assert PageLogEntry.objects.filter(page=letting, action="wagtail.schedule.cancel", user=superuser).exists()
    # Its date comes: whatever is still scheduled goes live.
    past = timezone.now() - timedelta(minutes=1)
    letting.revisions.filter(approved_go_live_at__isnull=False).update(approved_go_live_at=past)
    call_command("publish_scheduled", stdout=io.StringIO())
    assert LettingPage.objects.get(pk=letting.pk).title == "Superuser Title"


def test_replacing_a_draft_in_moderation_cancels_its_request(client, superuser, editor, lettings_index):
    letting = make_letting(lettings_index, title="Live Title")
    editor_saves_a_draft(client, editor, letting, "Submitted Draft", submit=True)
    response = open_change_form(client, superuser, letting)
    data = letting_data(letting.address, title="Superuser Title", slug=letting.slug, publish="", replace_draft="on")
    data["opened_revision"] = opened_revision(response)

    assert client.post(reverse("admin:lettings_lettingpage_change", args=[letting.pk]), data).status_code == 302

    letting = LettingPage.objects.get(pk=letting.pk)
    assert (letting.title, letting.live) == ("Superuser Title", False)
    # No moderator's approval can now publish what the superuser saved unpublished.
    assert letting.current_workflow_state is None
