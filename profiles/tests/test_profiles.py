"""Profiles: the public listing and pages, the snippet admin and the Django admin."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage
from lettings.models import LettingIndexPage
from pages.models import ContentPage
from profiles.models import Profile, ProfileIndexPage
from testing.factories import make_profile, make_user

pytestmark = pytest.mark.django_db


def test_empty_listing_says_so(client, profiles_index):
    response = client.get("/profiles/")
    assert response.status_code == 200
    assert "No profiles are available." in response.text


def test_listing_links_usernames_in_order(client, profiles_index):
    make_profile("zed")
    make_profile("AirWow")
    response = client.get("/profiles/")
    assert '<a href="/profiles/AirWow/">AirWow</a>' in response.text
    assert response.text.index("AirWow") < response.text.index("zed")


def test_listing_is_paginated(client, profiles_index):
    for number in range(ProfileIndexPage.per_page + 1):
        make_profile(f"user{number:02d}")
    first = client.get("/profiles/")
    assert "user24" not in first.text
    next_page = BeautifulSoup(first.content, "html.parser").select_one("a[rel=next]")["href"]
    assert "user24" in client.get("/profiles/" + next_page).text


def test_profile_page_shows_names_and_city_but_hides_email_by_default(client, profiles_index):
    make_profile("AirWow", favorite_city="Budapest", first_name="Ada", last_name="Paul")
    response = client.get("/profiles/AirWow/")
    assert response.status_code == 200
    for text in ("AirWow", "Ada", "Paul", "Budapest"):
        assert text in response.text
    assert "AirWow@example.com" not in response.text


def test_profile_page_shows_email_when_allowed(client, profiles_index):
    make_profile("open", show_email=True)
    assert "open@example.com" in client.get("/profiles/open/").text


def test_unknown_profile_gets_the_404_page(client, profiles_index):
    response = client.get("/profiles/nobody/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_profile_str_and_one_profile_per_user():
    profile = make_profile("solo", first_name="Solo", last_name="Han")
    assert str(profile) == "solo"
    assert profile.full_name == "Solo Han"
    duplicate = Profile(user=profile.user, favorite_city="Rome")
    with pytest.raises(Exception, match="already has a profile"):
        duplicate.full_clean()


class TestProfileIndexRules(WagtailPageTestCase):
    """The profiles index lives under the home page, once, with no child pages."""

    def test_rules(self):
        self.assertCanCreateAt(HomePage, ProfileIndexPage)
        self.assertAllowedSubpageTypes(ProfileIndexPage, set())
        self.assertAllowedSubpageTypes(HomePage, {LettingIndexPage, ProfileIndexPage, ContentPage})
        assert not ProfileIndexPage.can_create_at(HomePage.objects.get())
        self.assertPageIsRenderable(ProfileIndexPage.objects.get())


def test_snippet_admin_lists_searches_filters_exports_and_creates(client, editor):
    make_profile("AirWow", favorite_city="Budapest", first_name="Ada")
    make_profile("DavWin", favorite_city="Barcelona")
    client.force_login(editor)
    url = reverse("wagtailsnippets_profiles_profile:list")
    assert "AirWow" in client.get(url).text
    searched = client.get(url, {"q": "ada"}).text
    assert "AirWow" in searched
    assert "DavWin" not in searched
    filtered = client.get(url, {"favorite_city__icontains": "barc"}).text
    assert "DavWin" in filtered
    assert "AirWow" not in filtered
    exported = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode()
    assert "Budapest" in exported
    new_user = make_user("newbie")
    response = client.post(
        reverse("wagtailsnippets_profiles_profile:add"), {"user": new_user.pk, "favorite_city": "Lisbon"}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=new_user).favorite_city == "Lisbon"


def test_django_admin_profile_crud(client, superuser):
    client.force_login(superuser)
    user = make_user("raw")
    assert (
        client.post(reverse("admin:profiles_profile_add"), {"user": user.pk, "favorite_city": "Oslo"}).status_code
        == 302
    )
    profile = Profile.objects.get(user=user)
    listing = client.get(reverse("admin:profiles_profile_changelist"), {"q": "raw"})
    assert "Oslo" in listing.text
    change_url = reverse("admin:profiles_profile_change", args=[profile.pk])
    client.post(change_url, {"user": user.pk, "favorite_city": "Bergen", "show_email": "on"})
    profile.refresh_from_db()
    assert (profile.favorite_city, profile.show_email) == ("Bergen", True)
    client.post(reverse("admin:profiles_profile_delete", args=[profile.pk]), {"post": "yes"})
    assert not Profile.objects.filter(pk=profile.pk).exists()


def test_django_admin_user_crud(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": "A-long-pass-1234",
            "password2": "A-long-pass-1234",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="newcomer")
    assert user.check_password("A-long-pass-1234")
    client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
    assert not get_user_model().objects.filter(username="newcomer").exists()
