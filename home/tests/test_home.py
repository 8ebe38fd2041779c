"""The home page and the editors' and moderators' groups."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils import WagtailPageTestCase

from home.groups import grant_group_permissions
from home.models import HomePage

pytestmark = pytest.mark.django_db


def test_home_page_welcomes_and_links_both_listings(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert '<h1 id="home-title">Welcome to Holiday Homes</h1>' in response.text
    assert 'href="/lettings/"' in response.text
    assert 'href="/profiles/"' in response.text


def test_every_page_has_a_skip_link_and_labelled_landmarks(client, home_page):
    html = client.get("/").text
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert '<main id="main"' in html
    assert 'role="search"' in html


class TestHomePageRules(WagtailPageTestCase):
    """The home page sits at the root, once."""

    def test_rules(self):
        self.assertCanCreateAt(Page, HomePage)
        assert not HomePage.can_create_at(Page.get_first_root_node())
        self.assertPageIsRenderable(HomePage.objects.get())


def test_groups_hold_what_editors_and_moderators_need():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {
        "access_admin",
        "add_address",
        "change_address",
        "delete_address",
        "add_profile",
        "change_profile",
    } <= codenames
    page_permissions = set(
        GroupPagePermission.objects.filter(group=editors).values_list("permission__codename", flat=True)
    )
    assert {"add_page", "change_page", "publish_page"} <= page_permissions
    moderators = Group.objects.get(name="Moderators")
    assert "view_address" in set(moderators.permissions.values_list("codename", flat=True))
    assert not moderators.permissions.filter(codename="delete_address").exists()


def test_granting_again_changes_nothing():
    before = GroupPagePermission.objects.count(), Group.objects.count()
    grant_group_permissions()
    assert (GroupPagePermission.objects.count(), Group.objects.count()) == before


def test_editor_can_use_the_wagtail_admin(client, editor):
    client.force_login(editor)
    assert client.get("/cms/").status_code == 200
    assert client.get("/cms/snippets/lettings/address/").status_code == 200
    assert client.get("/cms/images/").status_code == 200
