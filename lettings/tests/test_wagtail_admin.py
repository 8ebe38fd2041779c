"""Editors and moderators in the Wagtail admin (``/cms/``): letting pages and address snippets."""

import json

import pytest
from django.urls import reverse
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Workflow
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import rich_text

from lettings.models import RICH_TEXT_FEATURES, Address, Amenity, LettingIndexPage, LettingPage
from testing.factories import make_address, make_image, make_letting
from testing.forms import editor_rich_text, letting_form


class TestLettingPagesInWagtail(WagtailPageTestCase):
    """A superuser and an editor create, preview, publish, revise and unpublish lettings."""

    @classmethod
    def setUpTestData(cls):
        """Use the index page the migrations created."""
        cls.index = LettingIndexPage.objects.get()

    def test_superuser_can_create_a_letting_with_wagtail_assertion(self):
        self.login()
        address = make_address(city="Marquette", state="MI")
        self.assertCanCreate(self.index, LettingPage, letting_form(address, photos=[make_image()]))
        letting = LettingPage.objects.get(slug="lakeside-cabin")
        assert letting.address == address
        assert letting.gallery_images.get().alt_text == "Photo 0"

    def test_letting_page_renders(self):
        self.assertPageIsRenderable(make_letting(self.index, photos=1))
        self.assertPageIsPreviewable(make_letting(self.index))

    def test_editor_drafts_previews_publishes_revises_and_unpublishes(self):
        from django.contrib.auth.models import Group

        editor = self.create_user("eve", password="pass-word-1")
        editor.groups.add(Group.objects.get(name="Editors"))
        self.client.force_login(editor)
        address = make_address(city="Aliquippa", state="PA")
        add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", self.index.pk])

        response = self.client.post(add_url, letting_form(address))
        assert response.status_code == 302
        letting = LettingPage.objects.get(slug="lakeside-cabin")
        assert not letting.live
        self.client.logout()
        assert self.client.get("/lettings/lakeside-cabin/").status_code == 404
        self.client.force_login(editor)

        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[letting.pk])
        assert self.client.post(preview_url, letting_form(address)).json()["is_valid"]
        preview = self.client.get(preview_url)
        assert "A cabin by the lake." in preview.text

        edit_url = reverse("wagtailadmin_pages:edit", args=[letting.pk])
        response = self.client.post(edit_url, letting_form(address, **{"action-publish": "publish"}))
        assert response.status_code == 302
        letting.refresh_from_db()
        assert letting.live
        self.client.logout()
        assert "A cabin by the lake." in self.client.get("/lettings/lakeside-cabin/").text
        assert "Lakeside Cabin" in self.client.get("/search/?q=lakeside").text
        self.client.force_login(editor)

        changed = letting_form(address, title="Lakeside Cabin Deluxe", **{"action-publish": "publish"})
        self.client.post(edit_url, changed)
        assert letting.revisions.count() == 3
        history = self.client.get(reverse("wagtailadmin_pages:history", args=[letting.pk]))
        assert history.status_code == 200

        unpublish_url = reverse("wagtailadmin_pages:unpublish", args=[letting.pk])
        self.client.post(unpublish_url)
        self.client.logout()
        assert self.client.get("/lettings/lakeside-cabin/").status_code == 404

    def test_taken_address_is_a_form_error(self):
        self.login()
        taken = make_letting(self.index).address
        add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", self.index.pk])
        response = self.client.post(add_url, letting_form(taken))
        assert response.status_code == 200
        assert "This address already belongs to another letting." in response.text
        assert not LettingPage.objects.filter(slug="lakeside-cabin").exists()

    def test_scheduled_letting_waits_for_its_date(self):
        self.login()
        address = make_address()
        add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", self.index.pk])
        data = letting_form(address, go_live_at="2099-01-01 10:00", **{"action-publish": "publish"})
        assert self.client.post(add_url, data).status_code == 302
        letting = LettingPage.objects.get(slug="lakeside-cabin")
        assert not letting.live
        assert letting.scheduled_revision is not None

    def test_moderation_editor_submits_moderator_approves(self):
        from django.contrib.auth.models import Group

        assert Workflow.objects.get(name="Moderators approval").active
        editor = self.create_user("ed", password="pass-word-1")
        editor.groups.add(Group.objects.get(name="Editors"))
        moderator = self.create_user("mo", password="pass-word-1")
        moderator.groups.add(Group.objects.get(name="Moderators"))

        self.client.force_login(editor)
        add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", self.index.pk])
        self.client.post(add_url, letting_form(make_address(), **{"action-submit": "submit"}))
        letting = LettingPage.objects.get(slug="lakeside-cabin")
        workflow_state = letting.current_workflow_state
        assert workflow_state.status == "in_progress"
        assert not letting.live

        self.client.force_login(moderator)
        task_state = workflow_state.current_task_state
        action_url = reverse("wagtailadmin_pages:workflow_action", args=[letting.pk, "approve", task_state.pk])
        response = self.client.post(action_url, {"comment": "Looks good"})
        assert response.status_code in (200, 302)
        letting.refresh_from_db()
        assert letting.live
        self.client.logout()
        assert self.client.get("/lettings/lakeside-cabin/").status_code == 200


@pytest.mark.django_db
class TestAddressSnippets:
    """Addresses in the snippet admin: list, search, filters, export, validation, protected delete."""

    def test_editor_lists_searches_and_filters(self, client, editor):
        make_address(street="Harvard Street", city="Aliquippa", state="PA")
        make_address(street="Argyle Avenue", city="East Meadow", state="NY")
        client.force_login(editor)
        url = reverse("wagtailsnippets_lettings_address:list")
        listing = client.get(url)
        assert "Harvard Street" in listing.text
        assert "Argyle Avenue" in listing.text
        searched = client.get(url, {"q": "argyle"})
        assert "Argyle Avenue" in searched.text
        assert "Harvard Street" not in searched.text
        filtered = client.get(url, {"state": "PA"})
        assert "Harvard Street" in filtered.text
        assert "Argyle Avenue" not in filtered.text
        by_city = client.get(url, {"city__icontains": "meadow"})
        assert "Argyle Avenue" in by_city.text

    def test_export_csv_and_xlsx(self, client, editor):
        make_address(number=12, street="Main Street", city="Boston", state="MA", zip_code="02134")
        client.force_login(editor)
        url = reverse("wagtailsnippets_lettings_address:list")
        csv_response = client.get(url, {"export": "csv"})
        content = b"".join(csv_response.streaming_content).decode()
        assert "Main Street" in content
        assert "02134" in content
        xlsx_response = client.get(url, {"export": "xlsx"})
        assert xlsx_response["Content-Type"].startswith("application/vnd.openxmlformats")

    def test_editor_creates_an_address_and_sees_field_errors(self, client, editor):
        client.force_login(editor)
        url = reverse("wagtailsnippets_lettings_address:add")
        good = {
            "number": 9,
            "street": "Elm Street",
            "city": "Salem",
            "state": "MA",
            "zip_code": "01970",
            "country_iso_code": "usa",
        }
        assert client.post(url, good).status_code == 302
        assert Address.objects.get(street="Elm Street").country_iso_code == "USA"
        response = client.post(url, {**good, "street": "Oak Street", "state": "XYZ", "zip_code": "123456"})
        assert response.status_code == 200
        assert not Address.objects.filter(street="Oak Street").exists()
        assert "Ensure this value has at most 5 characters" in response.text

    def test_address_of_a_letting_cannot_be_deleted(self, client, superuser, lettings_index):
        letting = make_letting(lettings_index)
        client.force_login(superuser)
        url = reverse("wagtailsnippets_lettings_address:delete", args=[letting.address.pk])
        response = client.post(url, follow=True)
        assert response.status_code == 200
        assert f"is the address of the letting “{letting.title}”" in response.text
        assert Address.objects.filter(pk=letting.address.pk).exists()
        free = make_address()
        client.post(reverse("wagtailsnippets_lettings_address:delete", args=[free.pk]))
        assert not Address.objects.filter(pk=free.pk).exists()


@pytest.mark.django_db
def test_no_admin_page_calls_an_external_host(client, editor):
    client.force_login(editor)
    for url in ("/cms/", reverse("wagtailsnippets_lettings_address:list"), "/cms/pages/"):
        html = client.get(url).text
        assert "gravatar" not in html.lower()
        assert "releases.wagtail.io" not in html


def test_a_letting_cannot_be_copied_and_the_editor_is_told_why(client, superuser, lettings_index):
    letting = make_letting(lettings_index, title="Only Once")
    client.force_login(superuser)
    copy_url = reverse("wagtailadmin_pages:copy", args=[letting.pk])
    data = {"new_title": "Twice", "new_slug": "twice", "new_parent_page": lettings_index.pk, "publish_copies": "on"}
    response = client.post(copy_url, data, follow=True)
    assert response.status_code == 200
    assert "cannot be copied" in response.text
    assert LettingPage.objects.count() == 1
    assert client.get(copy_url, follow=True).redirect_chain[-1][0] == reverse(
        "wagtailadmin_explore", args=[lettings_index.pk]
    )


def test_deleting_an_amenity_in_use_says_how_many_lettings_offer_it(client, editor, lettings_index):
    hot_tub = Amenity.objects.create(name="Hot tub", icon="hot-tub")
    for title in ("Lake House", "Pine Cabin"):
        make_letting(lettings_index, title=title, amenities=[hot_tub])
    client.force_login(editor)
    confirm = client.get(reverse("wagtailsnippets_lettings_amenity:delete", args=[hot_tub.pk]))
    assert "“Hot tub” is offered by 2 lettings: deleting it removes it from them at once" in confirm.text
    assert client.post(reverse("wagtailsnippets_lettings_amenity:delete", args=[hot_tub.pk])).status_code == 302
    assert not LettingPage.objects.filter(amenities__name="Hot tub").exists()


def test_the_editors_own_rich_text_is_stored_as_the_editor_wrote_it(client, editor, lettings_index):
    # Issue 22, item 4: the cleaning every save runs keeps what the editor legitimately stores.
    html = editor_rich_text(lettings_index.pk)
    posted = rich_text(html, features=RICH_TEXT_FEATURES)  # the contentstate the Draftail editor posts
    expected = ContentstateConverter(RICH_TEXT_FEATURES).to_database_format(posted)
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", lettings_index.pk])
    assert client.post(add_url, letting_form(make_address(), body=posted)).status_code == 302
    letting = LettingPage.objects.get(slug="lakeside-cabin")
    assert letting.body == expected
    assert letting.latest_revision.content["body"] == expected
    assert f'<a linktype="page" id="{lettings_index.pk}">our other homes</a>' in expected


def test_hostile_editor_content_is_stored_clean(client, editor, lettings_index):
    # A hand-made post (not what Draftail sends): text that looks like markup, a javascript: link, unknown types.
    contentstate = {
        "blocks": [
            {
                "key": "a1b2c",
                "type": "unstyled",
                "text": "Hello <script>alert(1)</script> there",
                "depth": 0,
                "inlineStyleRanges": [{"offset": 0, "length": 5, "style": "onmouseover"}],
                "entityRanges": [{"offset": 0, "length": 5, "key": 0}, {"offset": 6, "length": 8, "key": 1}],
                "data": {},
            },
            {
                "key": "d3e4f",
                "type": "script",
                "text": "alert(2)",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [],
                "data": {},
            },
        ],
        "entityMap": {
            "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(3)"}},
            "1": {"type": "IMAGE", "mutability": "IMMUTABLE", "data": {"src": "x", "onerror": "alert(4)"}},
        },
    }
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", lettings_index.pk])
    data = letting_form(make_address(), body=json.dumps(contentstate))
    assert client.post(add_url, data).status_code == 302
    letting = LettingPage.objects.get(slug="lakeside-cabin")
    for stored in (letting.body, letting.latest_revision.content["body"]):
        assert "Hello" in stored
        assert "&lt;/script&gt; there" in stored  # text stays text (the unknown IMAGE entity took its own)
        for bad in ("<script", "javascript:", "onerror", "onmouseover", "alert(2)", "<img"):
            assert bad not in stored
