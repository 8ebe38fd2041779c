"""A logged-in editor gets the visitors' cached page with their own user bar: the same bytes as a full render."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.models import GroupPagePermission, PageViewRestriction

from pagecache import userbar
from testing.factories import make_letting, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

USER_BAR = b"<wagtail-userbar"
PAGES = ["/", "/lettings/", "/lettings/green-haus/", "/profiles/", "/search/?q=haus"]


@pytest.fixture(autouse=True)
def _no_user_bars():
    """Start with no remembered user bar: user ids come back from one test to the next on SQLite."""
    userbar._userbars.start(None)


@pytest.fixture
def site(home_page, lettings_index, profiles_index):
    """Return a published letting, Green Haus, under the lettings index."""
    return make_letting(lettings_index, title="Green Haus")


@pytest.fixture
def visitor():
    """Return a client without a session: an anonymous visitor, who fills the page cache."""
    return Client()


def logged_in(user) -> Client:
    """Return a client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def warm(visitor, path: str) -> None:
    """Have a visitor read ``path`` until it is served from the cache."""
    visitor.get(path)
    assert visitor.get(path)["X-Page-Cache"] == "hit", path


def without_cache_header(response) -> dict:
    """Return the response's headers but the page cache's own."""
    return {name: value for name, value in response.items() if name != "X-Page-Cache"}


@pytest.mark.parametrize("path", PAGES)
def test_an_editor_gets_the_cached_page_with_their_user_bar_as_a_full_render_shows_it(
    site, visitor, editor, path, django_assert_num_queries
):
    warm(visitor, path)
    client = logged_in(editor)
    rendered = client.get(path)
    assert rendered.status_code == 200
    assert "X-Page-Cache" not in rendered
    assert USER_BAR in rendered.content
    with django_assert_num_queries(2):  # the session and the user: the session is checked every time
        cached = client.get(path)
    assert cached["X-Page-Cache"] == "hit, user bar"
    assert cached.content == rendered.content
    assert without_cache_header(cached) == without_cache_header(rendered)
    assert USER_BAR not in visitor.get(path).content


@pytest.mark.parametrize("path", PAGES)
def test_a_page_with_a_user_bar_says_cache_control_private_and_the_visitors_page_does_not(
    site, visitor, editor, path, settings
):
    warm(visitor, path)
    client = logged_in(editor)
    rendered = client.get(path)
    cached = client.get(path)
    assert cached["X-Page-Cache"] == "hit, user bar"
    for response in (rendered, cached):
        assert USER_BAR in response.content
        assert "private" in response["Cache-Control"], path
        assert "public" not in response["Cache-Control"]
    assert "private" not in visitor.get(path).get("Cache-Control", "")
    client.cookies["messages"] = "waiting"  # rendered in full, outside the cache
    assert "private" in client.get(path)["Cache-Control"]
    del client.cookies["messages"]
    settings.PAGE_CACHE_SECONDS = 0  # no page cache at all: still the editor's own page
    assert "private" in client.get(path)["Cache-Control"]


def test_the_user_bar_links_the_page_the_editor_reads(site, visitor, editor):
    warm(visitor, "/lettings/green-haus/")
    warm(visitor, "/lettings/")
    client = logged_in(editor)
    for path, page in (("/lettings/green-haus/", site), ("/lettings/", site.get_parent())):
        client.get(path)
        cached = client.get(path)
        assert cached["X-Page-Cache"] == "hit, user bar"
        assert f"/cms/pages/{page.pk}/edit/" in cached.text, path


def test_a_logged_out_session_gets_the_page_without_a_user_bar(site, visitor, editor):
    warm(visitor, "/lettings/green-haus/")
    client = logged_in(editor)
    client.get("/lettings/green-haus/")
    assert client.get("/lettings/green-haus/")["X-Page-Cache"] == "hit, user bar"
    stolen = Client()
    stolen.cookies = client.cookies  # the cookie of a session that then logs out
    client.logout()
    response = stolen.get("/lettings/green-haus/")
    assert response.status_code == 200
    assert USER_BAR not in response.content
    assert "hit, user bar" not in response.get("X-Page-Cache", "")


def test_an_inactive_user_gets_no_user_bar(site, visitor, editor):
    warm(visitor, "/lettings/green-haus/")
    client = logged_in(editor)
    client.get("/lettings/green-haus/")
    editor.is_active = False
    editor.save()
    response = client.get("/lettings/green-haus/")
    assert USER_BAR not in response.content


def test_one_users_user_bar_is_never_shown_to_another(site, visitor, editor):
    warm(visitor, "/lettings/green-haus/")
    edna = logged_in(editor)
    edna.get("/lettings/green-haus/")
    assert edna.get("/lettings/green-haus/")["X-Page-Cache"] == "hit, user bar"
    # A logged-in user without access to the Wagtail admin is shown no user bar at all.
    plain = logged_in(make_user("plain"))
    for _ in range(2):
        response = plain.get("/lettings/green-haus/")
        assert response.status_code == 200
        assert USER_BAR not in response.content


def test_a_publish_shows_the_editor_the_new_page_at_once(site, visitor, editor, commit):
    warm(visitor, "/lettings/green-haus/")
    client = logged_in(editor)
    client.get("/lettings/green-haus/")
    assert client.get("/lettings/green-haus/")["X-Page-Cache"] == "hit, user bar"
    site.title = "Green Haus Deluxe"
    with commit():
        site.save_revision().publish()
    response = client.get("/lettings/green-haus/")
    assert "Green Haus Deluxe" in response.text
    assert USER_BAR in response.content


def test_a_page_the_visitors_cache_does_not_hold_is_rendered_for_the_editor(site, visitor, editor):
    PageViewRestriction.objects.create(page=site, restriction_type=PageViewRestriction.LOGIN)
    assert visitor.get("/lettings/green-haus/").status_code == 302  # to the login: never stored
    client = logged_in(editor)
    for _ in range(2):
        response = client.get("/lettings/green-haus/")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert USER_BAR in response.content


def test_a_remembered_user_bar_expires(site, visitor, editor, monkeypatch):
    monkeypatch.setattr(userbar, "MAX_SECONDS", -1)
    warm(visitor, "/lettings/green-haus/")
    client = logged_in(editor)
    client.get("/lettings/green-haus/")
    response = client.get("/lettings/green-haus/")
    assert "X-Page-Cache" not in response
    assert USER_BAR in response.content


def test_a_page_served_with_messages_waiting_is_rendered_in_full(site, visitor, editor):
    warm(visitor, "/lettings/green-haus/")
    client = logged_in(editor)
    client.get("/lettings/green-haus/")
    client.cookies["messages"] = "waiting"
    assert "X-Page-Cache" not in client.get("/lettings/green-haus/")


def test_the_user_bar_names_the_host_the_page_was_asked_from(site, visitor, editor, settings):
    settings.ALLOWED_HOSTS = ["testserver", "alias.example"]
    warm(visitor, "/lettings/green-haus/")
    client = logged_in(editor)
    client.get("/lettings/green-haus/")
    assert client.get("/lettings/green-haus/")["X-Page-Cache"] == "hit, user bar"
    for _ in range(2):
        aliased = client.get("/lettings/green-haus/", HTTP_HOST="alias.example")
        assert 'data-wagtail-userbar-origin="//alias.example"' in aliased.text
        assert 'data-wagtail-userbar-origin="//testserver"' not in aliased.text


def test_a_full_memo_drops_the_oldest_user_bar(site, visitor, editor, monkeypatch):
    monkeypatch.setattr(userbar, "MAX_ENTRIES", 1)
    warm(visitor, "/lettings/green-haus/")
    warm(visitor, "/lettings/")
    client = logged_in(editor)
    client.get("/lettings/green-haus/")
    client.get("/lettings/")  # pushes the letting's user bar out
    assert client.get("/lettings/")["X-Page-Cache"] == "hit, user bar"
    oldest = client.get("/lettings/green-haus/")
    assert "X-Page-Cache" not in oldest
    assert USER_BAR in oldest.content


def test_users_without_a_user_bar_fill_no_memo(site, visitor, monkeypatch):
    monkeypatch.setattr(userbar, "MAX_ENTRIES", 1)
    warm(visitor, "/lettings/green-haus/")
    user = make_user("plain")
    logged_in(user).get("/lettings/green-haus/")
    assert userbar._userbars.entries == {}


def primed(visitor, editor, path: str = "/lettings/green-haus/") -> Client:
    """Return the editor's client once ``path`` is served to them from the cache with their user bar."""
    warm(visitor, path)
    client = logged_in(editor)
    client.get(path)
    assert client.get(path)["X-Page-Cache"] == "hit, user bar"
    return client


@pytest.mark.parametrize(
    "take_away",
    [
        pytest.param(lambda editor: editor.groups.clear(), id="removed from Editors"),
        pytest.param(
            lambda editor: Group.objects.get(name="Editors").permissions.remove(
                Permission.objects.get(codename="access_admin")
            ),
            id="group loses admin access",
        ),
        pytest.param(lambda editor: GroupPagePermission.objects.all().delete(), id="page permissions deleted"),
    ],
)
def test_losing_a_permission_shows_at_once_in_the_user_bar(site, visitor, editor, commit, take_away):
    client = primed(visitor, editor)
    with commit():
        take_away(editor)
    response = client.get("/lettings/green-haus/")
    assert "hit, user bar" not in response.get("X-Page-Cache", "")
    assert f"/cms/pages/{site.pk}/edit/" not in response.text


def test_a_session_signed_with_the_previous_secret_key_stays_logged_in(site, visitor, editor, settings):
    client = primed(visitor, editor)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    rotated = client.get("/lettings/green-haus/")  # Django signs the session again and sends the new cookie
    assert USER_BAR in rotated.content
    assert settings.SESSION_COOKIE_NAME in rotated.cookies
    assert USER_BAR in client.get("/lettings/green-haus/").content


@pytest.mark.parametrize("change", ["unpublish", "delete"])
def test_an_unpublished_or_deleted_page_is_never_served_from_the_cache_to_the_editor(
    site, visitor, editor, commit, change
):
    client = primed(visitor, editor)
    with commit():
        if change == "unpublish":
            site.unpublish()
        else:
            site.delete()
    response = client.get("/lettings/green-haus/")
    assert response.status_code == 404
    assert "hit" not in response.get("X-Page-Cache", "")
    assert b"Green Haus" not in response.content
