"""Who may change what on profiles: editors manage ordinary users' profiles; staff and CMS profiles are the CTO's.

Only a superuser switches ``show_email`` or creates, edits or deletes the profile of a staff account
or a CMS account (``wagtailadmin.access_admin`` directly or through a group, or in any group), in
the Wagtail admin (``/cms/``) and in the Django admin (``/admin/``); the server enforces it, not
only the form's look. Deleting a user who has a profile says the profile goes too.
"""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from profiles.models import Profile
from testing.factories import make_profile, make_user

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_profiles_profile:add"
EDIT_URL = "wagtailsnippets_profiles_profile:edit"
DELETE_URL = "wagtailsnippets_profiles_profile:delete"
LIST_URL = "wagtailsnippets_profiles_profile:list"
CMS_ACCOUNT_REFUSED = "Only an administrator can give a profile to a staff or CMS account"


def profile_form(profile_or_user, favorite_city: str = "Lisbon", show_email: bool | None = None) -> dict:
    """Return the POST data of the profile snippet form; ``show_email=None`` leaves the box unticked."""
    user = getattr(profile_or_user, "user", profile_or_user)
    data = {"user": user.pk, "favorite_city": favorite_city}
    if show_email:
        data["show_email"] = "on"
    return data


def bulk_delete_url(profiles) -> str:
    """Return the URL of Wagtail's bulk delete of ``profiles``, coming back to the profile list."""
    query = urlencode([("id", profile.pk) for profile in profiles] + [("next", reverse(LIST_URL))])
    return reverse("wagtail_bulk_action", args=["profiles", "profile", "delete"]) + "?" + query


def user_choices(response) -> set[str]:
    """Return the labels of the user select in a profile form."""
    select = BeautifulSoup(response.content, "html.parser").select_one("select[name=user]")
    return {option.text.strip() for option in select.select("option") if option.get("value")}


# show_email


def test_editor_cannot_switch_show_email_on(client, editor):
    profile = make_profile("walker")
    client.force_login(editor)
    response = client.post(reverse(EDIT_URL, args=[profile.pk]), profile_form(profile, "Paris", show_email=True))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.favorite_city, profile.show_email) == ("Paris", False)


def test_editor_saving_a_profile_keeps_show_email_on(client, editor):
    profile = make_profile("open", show_email=True)
    client.force_login(editor)
    form = client.get(reverse(EDIT_URL, args=[profile.pk]))
    checkbox = BeautifulSoup(form.content, "html.parser").select_one("input[name=show_email]")
    assert checkbox.has_attr("disabled")
    assert checkbox.has_attr("checked")
    assert client.post(reverse(EDIT_URL, args=[profile.pk]), profile_form(profile, "Rome")).status_code == 302
    profile.refresh_from_db()
    assert (profile.favorite_city, profile.show_email) == ("Rome", True)


def test_editor_creates_a_profile_without_showing_the_email(client, editor):
    user = make_user("newbie")
    client.force_login(editor)
    assert client.post(reverse(ADD_URL), profile_form(user, show_email=True)).status_code == 302
    assert Profile.objects.get(user=user).show_email is False


def test_superuser_switches_show_email(client, superuser):
    profile = make_profile("walker")
    client.force_login(superuser)
    client.post(reverse(EDIT_URL, args=[profile.pk]), profile_form(profile, show_email=True))
    profile.refresh_from_db()
    assert profile.show_email is True


# Profiles of staff accounts


def test_editor_cannot_create_a_profile_for_a_staff_account(client, editor, superuser):
    clerk = make_user("clerk", is_staff=True)
    client.force_login(editor)
    for staff in (superuser, clerk):
        response = client.post(reverse(ADD_URL), profile_form(staff, show_email=True))
        assert response.status_code == 200
        assert CMS_ACCOUNT_REFUSED in response.text
    assert not Profile.objects.exists()


@pytest.fixture
def cms_accounts(db, moderator):
    """Return accounts that reach the CMS without being staff: in a group, or granted admin access directly."""
    direct = make_user("direct")
    direct.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    grouped = make_user("grouped")
    grouped.groups.add(Group.objects.create(name="Photographers"))  # a group with no permission at all
    return [moderator, direct, grouped]


def test_editor_cannot_create_a_profile_for_a_cms_account(client, editor, cms_accounts):
    client.force_login(editor)
    for account in [*cms_accounts, editor]:
        response = client.post(reverse(ADD_URL), profile_form(account, "Moderation City"))
        assert response.status_code == 200
        assert CMS_ACCOUNT_REFUSED in response.text
    assert not Profile.objects.exists()
    make_user("plain")
    assert user_choices(client.get(reverse(ADD_URL))) == {"plain"}
    assert "Moderation City" not in client.get("/search/?q=moderation").text


def test_editor_cannot_change_or_delete_a_cms_accounts_profile(client, editor, cms_accounts):
    profiles = [Profile.objects.create(user=account, favorite_city="Boston") for account in cms_accounts]
    client.force_login(editor)
    for profile in profiles:
        url = reverse(EDIT_URL, args=[profile.pk])
        opened = client.get(url, follow=True)
        assert f"Only an administrator can change the profile of a CMS account ({profile.user.username})" in opened.text
        client.post(url, profile_form(profile, "Hacked", show_email=True))
        client.post(reverse(DELETE_URL, args=[profile.pk]))
    response = client.post(bulk_delete_url(profiles), follow=True)
    assert "Only an administrator can delete the profile of a CMS account (moe)" in response.text
    assert list(Profile.objects.values_list("favorite_city", flat=True)) == ["Boston"] * 3
    listing = client.get(reverse(LIST_URL)).text
    assert not any(reverse(EDIT_URL, args=[profile.pk]) in listing for profile in profiles)


def test_the_profile_list_asks_who_may_be_changed_in_a_fixed_number_of_queries(
    client, editor, cms_accounts, django_assert_max_num_queries
):
    for number in range(15):
        make_profile(f"plain{number:02d}")
    client.force_login(editor)
    client.get(reverse(LIST_URL))
    with django_assert_max_num_queries(25):
        assert client.get(reverse(LIST_URL)).status_code == 200


def test_superuser_may_still_give_a_cms_account_a_profile(client, superuser, moderator):
    client.force_login(superuser)
    assert "moe" in user_choices(client.get(reverse(ADD_URL)))
    assert client.post(reverse(ADD_URL), profile_form(moderator)).status_code == 302
    assert Profile.objects.filter(user=moderator).exists()


def test_user_choice_offers_staff_accounts_to_the_superuser_only(client, editor, superuser):
    make_user("clerk", is_staff=True)
    make_user("plain")
    client.force_login(editor)
    offered = user_choices(client.get(reverse(ADD_URL)))
    assert "plain" in offered
    assert not offered & {"cto", "clerk"}
    client.force_login(superuser)
    assert {"plain", "cto", "clerk"} <= user_choices(client.get(reverse(ADD_URL)))


def test_editor_cannot_open_or_change_a_staff_profile(client, editor, superuser):
    profile = Profile.objects.create(user=superuser, favorite_city="Boston")
    client.force_login(editor)
    url = reverse(EDIT_URL, args=[profile.pk])
    opened = client.get(url, follow=True)
    assert "Only an administrator can change the profile of a staff account" in opened.text
    assert opened.redirect_chain[-1][0] == reverse(LIST_URL)
    client.post(url, profile_form(profile, "Hacked", show_email=True))
    profile.refresh_from_db()
    assert (profile.favorite_city, profile.show_email) == ("Boston", False)


def test_editor_cannot_delete_a_staff_profile_alone_or_in_bulk(client, editor, superuser):
    staff_profile = Profile.objects.create(user=superuser)
    plain_profile = make_profile("plain")
    client.force_login(editor)
    url = reverse(DELETE_URL, args=[staff_profile.pk])
    assert "Only an administrator can delete" in client.get(url, follow=True).text
    client.post(url)
    response = client.post(bulk_delete_url([staff_profile, plain_profile]), follow=True)
    assert "Only an administrator can delete the profile of a staff account (cto)" in response.text
    assert Profile.objects.count() == 2


def test_listing_offers_editors_no_edit_or_delete_for_staff_profiles(client, editor, superuser):
    staff_profile = Profile.objects.create(user=superuser)
    plain_profile = make_profile("plain")
    client.force_login(editor)
    listing = client.get(reverse(LIST_URL)).text
    assert reverse(DELETE_URL, args=[plain_profile.pk]) in listing
    assert reverse(DELETE_URL, args=[staff_profile.pk]) not in listing
    assert reverse(EDIT_URL, args=[staff_profile.pk]) not in listing
    client.force_login(superuser)
    assert reverse(DELETE_URL, args=[staff_profile.pk]) in client.get(reverse(LIST_URL)).text


def test_editor_still_manages_ordinary_profiles(client, editor):
    user = make_user("plain")
    client.force_login(editor)
    assert client.post(reverse(ADD_URL), profile_form(user)).status_code == 302
    profile = Profile.objects.get(user=user)
    assert client.post(reverse(EDIT_URL, args=[profile.pk]), profile_form(user, "Oslo")).status_code == 302
    assert client.post(reverse(DELETE_URL, args=[profile.pk])).status_code == 302
    other = make_profile("other")
    assert client.post(bulk_delete_url([other])).status_code == 302
    assert not Profile.objects.exists()


def test_superuser_manages_staff_profiles(client, superuser):
    client.force_login(superuser)
    assert client.post(reverse(ADD_URL), profile_form(superuser, show_email=True)).status_code == 302
    profile = Profile.objects.get(user=superuser)
    assert profile.show_email
    assert client.post(reverse(DELETE_URL, args=[profile.pk])).status_code == 302
    assert not Profile.objects.exists()


# Deleting a user


def test_user_delete_confirmation_says_the_profile_goes_too(client, superuser):
    profile = make_profile("leaver")
    client.force_login(superuser)
    url = reverse("wagtailusers_users:delete", args=[profile.user.pk])
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    text = BeautifulSoup(confirmation.content, "html.parser").get_text()
    assert "This user's public profile will be deleted too." in text
    assert client.post(url).status_code == 302
    assert not Profile.objects.exists()
    no_profile = make_user("ghost")
    confirmation = client.get(reverse("wagtailusers_users:delete", args=[no_profile.pk]))
    assert "public profile" not in confirmation.text


# The Django admin, for staff who are not superusers


@pytest.fixture
def clerk(db):
    """Return a staff account (not a superuser) allowed every action on profiles in the Django admin."""
    user = make_user("clerk", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="profiles"))
    return user


def test_django_admin_show_email_is_the_superusers(client, clerk):
    profile = make_profile("walker")
    client.force_login(clerk)
    url = reverse("admin:profiles_profile_change", args=[profile.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="show_email"' not in form.text
    assert client.post(url, {"user": profile.user.pk, "favorite_city": "Oslo", "show_email": "on"}).status_code == 302
    profile.refresh_from_db()
    assert (profile.favorite_city, profile.show_email) == ("Oslo", False)


def test_django_admin_staff_profiles_are_the_superusers(client, clerk, superuser):
    staff_profile = Profile.objects.create(user=superuser, favorite_city="Boston")
    client.force_login(clerk)
    change_url = reverse("admin:profiles_profile_change", args=[staff_profile.pk])
    client.post(change_url, {"user": superuser.pk, "favorite_city": "Hacked"})
    staff_profile.refresh_from_db()
    assert staff_profile.favorite_city == "Boston"
    assert (
        client.post(reverse("admin:profiles_profile_delete", args=[staff_profile.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Profile.objects.filter(pk=staff_profile.pk).exists()
    add_form = client.get(reverse("admin:profiles_profile_add"))
    assert "cto" not in user_choices(add_form)
    assert "clerk" not in user_choices(add_form)
    refused = client.post(reverse("admin:profiles_profile_add"), {"user": clerk.pk, "favorite_city": "Rome"})
    assert refused.status_code == 200
    assert not Profile.objects.filter(user=clerk).exists()


def test_django_admin_cms_accounts_profiles_are_the_superusers(client, clerk, cms_accounts):
    client.force_login(clerk)
    add_url = reverse("admin:profiles_profile_add")
    assert not user_choices(client.get(add_url)) & {"moe", "direct", "grouped"}
    for account in cms_accounts:
        refused = client.post(add_url, {"user": account.pk, "favorite_city": "Rome"})
        assert refused.status_code == 200
        assert CMS_ACCOUNT_REFUSED in refused.text
    assert not Profile.objects.exists()
    profile = Profile.objects.create(user=cms_accounts[0], favorite_city="Boston")
    change_url = reverse("admin:profiles_profile_change", args=[profile.pk])
    client.post(change_url, {"user": profile.user.pk, "favorite_city": "X"})
    delete = client.post(reverse("admin:profiles_profile_delete", args=[profile.pk]), {"post": "yes"})
    assert delete.status_code == 403
    profile.refresh_from_db()
    assert profile.favorite_city == "Boston"


# Moving a profile to another account, and Wagtail's copy view


def test_editor_cannot_move_a_profile_whose_email_is_shown_to_another_account(client, editor):
    profile = make_profile("open", show_email=True)
    other = make_user("quiet")
    client.force_login(editor)
    response = client.post(reverse(EDIT_URL, args=[profile.pk]), profile_form(other, "Oslo"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.user.username, profile.favorite_city, profile.show_email) == ("open", "Oslo", True)
    assert "quiet@example.com" not in client.get("/profiles/quiet/").text


def test_django_admin_staff_cannot_move_a_profile_to_another_account(client):
    clerk = make_user("clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["change_profile", "view_profile"]))
    profile = make_profile("open", show_email=True)
    other = make_user("quiet")
    client.force_login(clerk)
    url = reverse("admin:profiles_profile_change", args=[profile.pk])
    assert client.post(url, {"user": other.pk, "favorite_city": "Oslo"}).status_code == 302
    profile.refresh_from_db()
    assert profile.user.username == "open"


@pytest.mark.parametrize("model", ["profiles/profile", "lettings/address"])
def test_there_is_no_copy_view_that_saves_over_the_original(client, editor, model):
    from testing.factories import make_address

    target = make_profile("open", show_email=True) if model == "profiles/profile" else make_address()
    client.force_login(editor)
    url = f"/cms/snippets/{model}/copy/{target.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"favorite_city": "Changed", "street": "Changed"}).status_code == 404
