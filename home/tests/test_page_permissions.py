"""Page permissions match the roles, in every view of the Wagtail admin that deletes, moves or unpublishes.

Nobody but a superuser deletes, moves or unpublishes the singleton pages (home, lettings index,
profiles index). Deleting a letting destroys its revisions: moderators and superusers may, editors
may not (they unpublish instead). Nobody, a superuser included, deletes or unpublishes the page
chosen as the privacy notice while it is chosen (the enquiry form's consent links it). The admin
hides what a user may not do, and the views (single and bulk) refuse it.
"""

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data, rich_text

from enquiries.models import EnquirySettings
from home.groups import DELETE_LETTINGS, EDITORS, MODERATORS
from lettings.models import LettingPage
from pages.models import ContentPage
from testing.factories import make_content_page, make_letting

pytestmark = pytest.mark.django_db

SINGLETONS = ("home_page", "lettings_index", "profiles_index")


def bulk_url(action: str, pages, **params) -> str:
    """Return the URL of Wagtail's bulk ``action`` on ``pages``, coming back to the admin's home."""
    query = urlencode([("id", page.pk) for page in pages] + [("next", "/cms/")] + list(params.items()))
    return reverse("wagtail_bulk_action", args=["wagtailcore", "page", action]) + "?" + query


def text_of(response) -> str:
    """Return the visible text of a response (messages included)."""
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def was_moved(page) -> bool:
    """Return whether Wagtail logged a move of ``page`` (a move under the same parent is logged as a reorder)."""
    return PageLogEntry.objects.filter(page_id=page.pk, action__in=["wagtail.move", "wagtail.reorder"]).exists()


def row_urls(client, parent) -> str:
    """Return the HTML of the explorer rows (not the header) listing ``parent``'s children."""
    html = BeautifulSoup(client.get(reverse("wagtailadmin_explore", args=[parent.pk])).content, "html.parser")
    return " ".join(str(row) for row in html.select("tbody tr"))


# Lettings


@pytest.mark.parametrize("live", [True, False])
def test_editor_cannot_delete_a_letting(client, editor, lettings_index, live):
    letting = make_letting(lettings_index, title="Lakeside Cabin", publish=live)
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:delete", args=[letting.pk])
    refused = client.get(url, follow=True)
    assert refused.status_code == 200
    assert "Editors cannot delete a letting" in text_of(refused)
    client.post(url)
    assert LettingPage.objects.filter(pk=letting.pk).exists()


def test_editor_unpublishes_a_letting_instead(client, editor, lettings_index):
    letting = make_letting(lettings_index)
    client.force_login(editor)
    assert client.post(reverse("wagtailadmin_pages:unpublish", args=[letting.pk])).status_code == 302
    letting.refresh_from_db()
    assert not letting.live


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_moderator_and_superuser_delete_a_letting(client, lettings_index, who, request):
    letting = make_letting(lettings_index)
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("wagtailadmin_pages:delete", args=[letting.pk])).status_code == 302
    assert not LettingPage.objects.filter(pk=letting.pk).exists()


def test_letting_rows_offer_delete_to_moderators_only(client, editor, moderator, lettings_index):
    letting = make_letting(lettings_index)
    delete_url = reverse("wagtailadmin_pages:delete", args=[letting.pk])
    unpublish_url = reverse("wagtailadmin_pages:unpublish", args=[letting.pk])
    client.force_login(editor)
    rows = row_urls(client, lettings_index)
    assert delete_url not in rows
    assert unpublish_url in rows
    client.force_login(moderator)
    assert delete_url in row_urls(client, lettings_index)


# Singleton pages


@pytest.mark.parametrize("who", ["editor", "moderator"])
@pytest.mark.parametrize("singleton", SINGLETONS)
def test_only_a_superuser_deletes_a_singleton(client, who, singleton, request):
    page = request.getfixturevalue(singleton)
    client.force_login(request.getfixturevalue(who))
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    # Without Wagtail's own permission the answer is its "permission denied" redirect; never a 500.
    assert client.get(url, follow=True).status_code == 200
    client.post(url)
    assert Page.objects.filter(pk=page.pk).exists()


@pytest.mark.parametrize("who", ["editor", "moderator"])
@pytest.mark.parametrize("singleton", SINGLETONS)
def test_only_a_superuser_unpublishes_a_singleton(client, who, singleton, request):
    page = request.getfixturevalue(singleton)
    client.force_login(request.getfixturevalue(who))
    url = reverse("wagtailadmin_pages:unpublish", args=[page.pk])
    refused = client.post(url, follow=True)
    assert refused.status_code == 200
    assert "Only an administrator can unpublish" in text_of(refused)
    page.refresh_from_db()
    assert page.live


@pytest.mark.parametrize("who", ["editor", "moderator"])
@pytest.mark.parametrize("singleton", SINGLETONS)
def test_only_a_superuser_moves_a_singleton(client, who, singleton, request):
    page = request.getfixturevalue(singleton)
    parent = page.get_parent()
    client.force_login(request.getfixturevalue(who))
    refused = client.post(reverse("wagtailadmin_pages:move_confirm", args=[page.pk, parent.pk]), follow=True)
    assert refused.status_code == 200
    assert not was_moved(page)
    assert client.get(reverse("wagtailadmin_pages:move", args=[page.pk]), follow=True).status_code == 200


def test_the_profiles_index_is_refused_with_a_reason(client, editor, profiles_index):
    client.force_login(editor)
    refused = client.get(reverse("wagtailadmin_pages:delete", args=[profiles_index.pk]), follow=True)
    assert "Only an administrator can delete “Profiles”" in text_of(refused)


def test_superuser_unpublishes_moves_and_deletes_a_singleton(client, superuser, home_page, profiles_index):
    client.force_login(superuser)
    client.post(reverse("wagtailadmin_pages:unpublish", args=[profiles_index.pk]))
    profiles_index.refresh_from_db()
    assert not profiles_index.live
    client.post(reverse("wagtailadmin_pages:move_confirm", args=[profiles_index.pk, home_page.pk]))
    assert was_moved(profiles_index)
    client.post(reverse("wagtailadmin_pages:delete", args=[profiles_index.pk]))
    assert not Page.objects.filter(pk=profiles_index.pk).exists()


def test_singleton_rows_and_action_menu_offer_no_delete_move_or_unpublish(client, editor, home_page, lettings_index):
    client.force_login(editor)
    rows = row_urls(client, home_page)
    for child in home_page.get_children():
        assert reverse("wagtailadmin_pages:edit", args=[child.pk]) in rows
        for name in ("delete", "move", "unpublish"):
            assert reverse(f"wagtailadmin_pages:{name}", args=[child.pk]) not in rows
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[lettings_index.pk]))
    assert edit.status_code == 200
    assert 'name="action-unpublish"' not in edit.text
    assert reverse("wagtailadmin_pages:unpublish", args=[lettings_index.pk]) not in str(
        BeautifulSoup(edit.content, "html.parser").select_one("footer")
    )


# Bulk actions


def test_bulk_delete_skips_what_the_user_may_not_delete(client, editor, moderator, lettings_index, profiles_index):
    first = make_letting(lettings_index)
    second = make_letting(lettings_index)
    client.force_login(editor)
    confirmation = client.get(bulk_url("delete", [first, profiles_index]))
    assert confirmation.status_code == 200
    assert "You don't have permission to delete" in text_of(confirmation)
    client.post(bulk_url("delete", [first, profiles_index]))
    assert Page.objects.filter(pk__in=[first.pk, profiles_index.pk]).count() == 2

    client.force_login(moderator)
    client.post(bulk_url("delete", [first, second, profiles_index]))
    assert not LettingPage.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert Page.objects.filter(pk=profiles_index.pk).exists()


def test_bulk_unpublish_skips_singletons(client, editor, home_page, lettings_index):
    letting = make_letting(lettings_index)
    client.force_login(editor)
    client.post(bulk_url("unpublish", [home_page, lettings_index, letting]))
    assert Page.objects.get(pk=home_page.pk).live
    assert Page.objects.get(pk=lettings_index.pk).live
    assert not Page.objects.get(pk=letting.pk).live

    letting = make_letting(lettings_index)
    client.post(bulk_url("unpublish", [lettings_index]), {"include_descendants": "on"})
    assert Page.objects.get(pk=lettings_index.pk).live


def test_bulk_move_skips_singletons(client, moderator, home_page, profiles_index):
    client.force_login(moderator)
    confirmation = client.get(bulk_url("move", [profiles_index]))
    assert "You don't have permission to move" in text_of(confirmation)
    client.post(bulk_url("move", [profiles_index]), {"chooser": home_page.pk})
    assert not was_moved(profiles_index)


# The privacy notice


@pytest.fixture
def notice(db):
    """Return a content page chosen as the privacy notice in the enquiry settings."""
    page = make_content_page("Privacy notice", slug="privacy")
    EnquirySettings.objects.update_or_create(pk=EnquirySettings.load().pk, defaults={"privacy_page": page})
    return page


@pytest.mark.parametrize("who", ["editor", "moderator", "superuser"])
def test_the_chosen_privacy_notice_cannot_be_deleted_or_unpublished(client, notice, who, request):
    client.force_login(request.getfixturevalue(who))
    delete_url = reverse("wagtailadmin_pages:delete", args=[notice.pk])
    refused = client.get(delete_url, follow=True)
    assert refused.status_code == 200
    assert "“Privacy notice” is the privacy notice the enquiry form links to" in text_of(refused)
    client.post(delete_url)
    unpublished = client.post(reverse("wagtailadmin_pages:unpublish", args=[notice.pk]), follow=True)
    assert unpublished.status_code == 200
    assert "choose another page in Settings > Enquiry settings first" in text_of(unpublished)
    assert ContentPage.objects.live().filter(pk=notice.pk).exists()
    assert 'href="/privacy/">Read the privacy notice' in client.get(make_letting().url).text


def test_bulk_delete_and_unpublish_leave_the_privacy_notice_out(client, editor, notice):
    terms = make_content_page("Terms")
    client.force_login(editor)
    confirmation = client.get(bulk_url("delete", [notice, terms]))
    assert confirmation.status_code == 200
    assert "You don't have permission to delete" in text_of(confirmation)
    assert client.post(bulk_url("delete", [notice, terms])).status_code == 302
    assert list(ContentPage.objects.values_list("pk", flat=True)) == [notice.pk]
    assert client.post(bulk_url("unpublish", [notice])).status_code == 302
    assert ContentPage.objects.live().filter(pk=notice.pk).exists()


def test_unpublishing_the_home_page_with_its_descendants_leaves_the_privacy_notice_live(client, superuser, notice):
    client.force_login(superuser)
    home = notice.get_parent()
    refused = client.post(reverse("wagtailadmin_pages:unpublish", args=[home.pk]), {"include_descendants": "on"})
    assert refused.status_code == 302
    assert ContentPage.objects.live().filter(pk=notice.pk).exists()
    client.post(bulk_url("unpublish", [home]), {"include_descendants": "on"})
    assert ContentPage.objects.live().filter(pk=notice.pk).exists()
    assert not Page.objects.get(pk=home.pk).live  # the superuser may still take the home page down
    client.post(reverse("wagtailadmin_pages:delete", args=[home.pk]))
    assert Page.objects.filter(pk=home.pk).exists()


def test_the_privacy_notice_rows_offer_no_delete_or_unpublish_until_another_is_chosen(client, editor, notice):
    client.force_login(editor)
    home = notice.get_parent()
    rows = row_urls(client, home)
    assert reverse("wagtailadmin_pages:edit", args=[notice.pk]) in rows
    for name in ("delete", "unpublish"):
        assert reverse(f"wagtailadmin_pages:{name}", args=[notice.pk]) not in rows
    EnquirySettings.objects.update(privacy_page=None)
    assert reverse("wagtailadmin_pages:delete", args=[notice.pk]) in row_urls(client, home)
    assert client.post(reverse("wagtailadmin_pages:delete", args=[notice.pk])).status_code == 302
    assert not ContentPage.objects.exists()


def test_the_dashboard_warns_while_the_enquiry_form_links_no_privacy_notice(client, editor, notice):
    client.force_login(editor)
    warning = "The enquiry form links no privacy notice"
    assert warning not in text_of(client.get(reverse("wagtailadmin_home")))
    PageViewRestriction.objects.create(page=notice, restriction_type=PageViewRestriction.LOGIN)
    assert warning in text_of(client.get(reverse("wagtailadmin_home")))
    PageViewRestriction.objects.all().delete()
    EnquirySettings.objects.update(privacy_page=None)
    dashboard = text_of(client.get(reverse("wagtailadmin_home")))
    assert warning in dashboard
    assert "Settings > Enquiry settings" in dashboard
    EnquirySettings.objects.update(privacy_page=notice)
    Page.objects.filter(pk=notice.pk).update(expire_at=datetime(2031, 5, 4, 12, tzinfo=UTC))
    assert "The privacy notice is set to expire on 04 May 2031" in text_of(client.get(reverse("wagtailadmin_home")))


# Group permissions after migrate


def test_migrate_grants_deleting_lettings_to_moderators_only(db):
    moderators = Group.objects.get(name=MODERATORS)
    editors = Group.objects.get(name=EDITORS)
    app_label, codename = DELETE_LETTINGS.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    moderators.permissions.remove(permission)  # a database from before this rule

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert moderators.permissions.filter(pk=permission.pk).exists()
    assert not editors.permissions.filter(pk=permission.pk).exists()


def test_group_editor_shows_who_may_delete_lettings(client, superuser):
    client.force_login(superuser)
    app_label, codename = DELETE_LETTINGS.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    for group_name, granted in ((MODERATORS, True), (EDITORS, False)):
        group = Group.objects.get(name=group_name)
        page = client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
        checkbox = BeautifulSoup(page.content, "html.parser").select_one(
            f"input[name=permissions][value='{permission.pk}']"
        )
        assert "Can delete letting" in checkbox.find_parent("tr").get_text(" ")
        assert checkbox.has_attr("checked") is granted


# Slug, privacy and schedule of the singletons


def index_form(page, **extra) -> dict:
    """Return the edit form data of a main page (title, slug, intro), with ``extra`` fields."""
    return nested_form_data({"title": page.title, "slug": page.slug, "intro": rich_text(""), **extra})


def test_editor_cannot_schedule_a_singleton_to_expire(client, editor, lettings_index):
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lettings_index.pk])
    assert 'name="expire_at"' not in client.get(edit_url).text
    response = client.post(edit_url, index_form(lettings_index, expire_at="2030-01-01 10:00"))
    assert response.status_code == 302
    lettings_index.refresh_from_db()
    assert lettings_index.expire_at is None
    assert lettings_index.get_latest_revision_as_object().expire_at is None


def test_superuser_schedules_a_singleton(client, superuser, lettings_index):
    client.force_login(superuser)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lettings_index.pk])
    assert 'name="expire_at"' in client.get(edit_url).text
    assert client.post(edit_url, index_form(lettings_index, expire_at="2030-01-01 10:00")).status_code == 302
    lettings_index.refresh_from_db()
    assert lettings_index.get_latest_revision_as_object().expire_at is not None


@pytest.mark.parametrize("singleton", SINGLETONS)
def test_editor_cannot_change_a_singletons_slug(client, editor, singleton, request):
    page = request.getfixturevalue(singleton).specific
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert client.post(edit_url, index_form(page, slug="x-moved", **{"action-publish": "1"})).status_code == 302
    page.refresh_from_db()
    assert page.slug != "x-moved"
    assert page.get_latest_revision_as_object().slug != "x-moved"


@pytest.mark.parametrize("singleton", SINGLETONS)
def test_editor_cannot_make_a_singleton_private(client, editor, singleton, request):
    page = request.getfixturevalue(singleton)
    client.force_login(editor)
    privacy_url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])
    refused = client.get(privacy_url)
    assert (refused.status_code, refused["Location"]) == (302, "/cms/")  # the admin's "permission denied"
    assert client.post(privacy_url, {"restriction_type": "password", "password": "keep-out"}).status_code == 302
    assert not PageViewRestriction.objects.exists()
    assert client.get("/", HTTP_COOKIE="").status_code == 200


def test_superuser_changes_a_singletons_slug_and_privacy(client, superuser, lettings_index):
    client.force_login(superuser)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lettings_index.pk])
    assert client.post(edit_url, index_form(lettings_index, slug="homes", **{"action-publish": "1"})).status_code == 302
    lettings_index.refresh_from_db()
    assert lettings_index.slug == "homes"
    privacy_url = reverse("wagtailadmin_pages:set_privacy", args=[lettings_index.pk])
    assert client.post(privacy_url, {"restriction_type": "login"}).status_code == 200
    assert PageViewRestriction.objects.filter(page=lettings_index).exists()


def test_editor_still_edits_a_singletons_text(client, editor, lettings_index):
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lettings_index.pk])
    form = index_form(lettings_index, title="Our homes", **{"action-publish": "1"})
    assert client.post(edit_url, form).status_code == 302
    lettings_index.refresh_from_db()
    assert lettings_index.title == "Our homes"
