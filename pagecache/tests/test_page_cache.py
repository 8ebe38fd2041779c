"""The page cache: what it serves from memory, to whom, and what clears it."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.urls import reverse
from wagtail.models import PageViewRestriction, Site

from lettings.models import LettingPage
from pagecache import cache
from profiles.models import Profile
from testing.factories import make_address, make_letting, make_profile
from testing.forms import letting_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

PAGES = ["/", "/lettings/", "/lettings/?state=GA", "/lettings/green-haus/", "/profiles/", "/profiles/AirWow/"]


@pytest.fixture
def site(home_page, lettings_index, profiles_index):
    """Return the lettings index and a letting in Georgia, with the page tree and a profile."""
    letting = make_letting(
        lettings_index,
        title="Green Haus",
        address=make_address(street="Bedford Street", city="Brunswick", state="GA"),
    )
    make_profile("AirWow", favorite_city="Budapest")
    return {"letting": letting, "index": lettings_index}


def served(client, path: str, **extra):
    """Return the response and whether it came from the page cache."""
    response = client.get(path, **extra)
    return response, response.get("X-Page-Cache")


@pytest.mark.parametrize("path", [*PAGES, "/search/?q=brunswick"])
def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    client, site, path, django_assert_num_queries
):
    first, state = served(client, path)
    assert (first.status_code, state) == (200, "miss")
    with django_assert_num_queries(0):
        second, state = served(client, path)
    assert (second.status_code, state) == (200, "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_cached_pages_keep_the_security_headers(client, site):
    served(client, "/lettings/")
    response, state = served(client, "/lettings/")
    assert state == "hit"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_query_strings_in_any_order_share_one_entry(client, site):
    served(client, "/lettings/?state=GA&city=Brunswick")
    assert served(client, "/lettings/?city=Brunswick&state=GA")[1] == "hit"
    assert served(client, "/lettings/?state=GA")[1] == "miss"  # another query, another entry
    assert served(client, "/lettings/?state=OH")[1] is None  # finds nothing: served, never stored


def test_not_found_errors_and_posts_are_not_cached(client, site):
    for _ in range(2):
        assert served(client, "/no-such-page/")[0].status_code == 404
        assert served(client, "/no-such-page/")[1] is None
    assert client.post("/lettings/").get("X-Page-Cache") is None


def test_logged_in_editors_are_never_served_or_stored(client, site, editor):
    served(client, "/lettings/green-haus/")  # an anonymous visit stores the page
    client.force_login(editor)
    response, state = served(client, "/lettings/green-haus/")
    assert state is None
    assert "wagtail-userbar" in response.text  # the editor sees their own toolbar, not the visitor's page
    client.get("/lettings/")
    client.logout()
    response, state = served(client, "/lettings/")
    assert state == "miss"  # the editor's view was not stored for visitors
    assert "wagtail-userbar" not in response.text


@pytest.mark.parametrize("cookie", ["a" * 32, "0123456789abcdefghijklmnopqrstuv", "anything"])
def test_a_made_up_session_cookie_gets_the_visitors_cached_page(
    client, site, settings, cookie, django_assert_num_queries
):
    for path in ("/lettings/", "/search/?q=brunswick"):
        anonymous = served(client, path)[0]
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the right shape, naming no session
        with django_assert_num_queries(1):  # the session, read once: it names no one
            response, state = served(client, path)
        assert state == "hit"
        assert response.content == anonymous.content
        assert not response.cookies  # nothing set, nothing deleted: the page a cookieless visitor gets
        del client.cookies[settings.SESSION_COOKIE_NAME]


def test_a_logged_out_session_gets_the_visitors_cached_page(client, site, editor):
    served(client, "/lettings/")
    client.force_login(editor)
    cookie = client.cookies["sessionid"].value
    client.logout()
    client.cookies["sessionid"] = cookie  # a session that no longer exists
    response, state = served(client, "/lettings/")
    assert state == "hit"
    assert "wagtail-userbar" not in response.text


def test_a_visitor_who_entered_a_pages_password_still_gets_the_private_page(client, site):
    served(client, "/lettings/green-haus/")  # stored for visitors before the page becomes private
    served(client, "/lettings/")
    restriction = PageViewRestriction.objects.create(
        page=site["letting"], restriction_type="password", password="letmein"
    )
    answer = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{site['letting'].pk}/",
        {"password": "letmein", "return_url": "/lettings/green-haus/"},
    )
    assert answer.status_code == 302
    for _ in range(2):
        response, state = served(client, "/lettings/green-haus/")
        assert (response.status_code, state) == (200, None)  # rendered for the session that holds the password
        assert "Bedford Street" in response.text
        assert served(client, "/lettings/")[1] is None  # a session with something in it renders in full


def test_a_preview_is_never_cached_or_shown_to_visitors(client, site, editor):
    letting = site["letting"]
    served(client, "/lettings/green-haus/")
    client.force_login(editor)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[letting.pk])
    form = letting_form(letting.address, title="Secret Draft Title", slug="green-haus")
    assert client.post(preview_url, form).json()["is_valid"]
    preview = client.get(preview_url)
    assert "Secret Draft Title" in preview.text
    assert preview.get("X-Page-Cache") is None
    client.logout()
    response, _state = served(client, "/lettings/green-haus/")
    assert "Secret Draft Title" not in response.text


def test_a_password_protected_page_is_never_stored(client, site):
    PageViewRestriction.objects.create(page=site["letting"], restriction_type="password", password="letmein")
    for _ in range(2):
        response, state = served(client, "/lettings/green-haus/")
        assert response.status_code == 200
        assert state is None
        assert "Bedford Street" not in response.text
    client.cookies["csrftoken"] = "a" * 32  # a visitor who already holds a CSRF cookie is no different
    assert served(client, "/lettings/green-haus/")[1] is None
    assert served(client, "/lettings/green-haus/")[1] is None


def test_publishing_a_letting_shows_it_at_once_everywhere(client, site, commit):
    for path in PAGES:
        served(client, path)
    with commit():
        make_letting(site["index"], title="Amber Cottage", address=make_address(city="Savannah", state="GA"))
    for path in ("/lettings/", "/lettings/?state=GA"):
        response, state = served(client, path)
        assert state == "miss"
        assert "Amber Cottage" in response.text
    assert served(client, "/lettings/amber-cottage/")[0].status_code == 200


def test_publishing_a_new_revision_shows_the_change(client, site, commit):
    served(client, "/lettings/green-haus/")
    letting = site["letting"]
    letting.summary = "Now with a sauna."
    with commit():
        letting.save_revision().publish()
    assert "Now with a sauna." in served(client, "/lettings/green-haus/")[0].text


def test_unpublishing_removes_the_page_and_its_card(client, site, commit):
    served(client, "/lettings/")
    served(client, "/lettings/green-haus/")
    with commit():
        site["letting"].unpublish()
    assert served(client, "/lettings/green-haus/")[0].status_code == 404
    assert "Green Haus" not in served(client, "/lettings/")[0].text


def test_deleting_a_letting_removes_it(client, site, commit):
    served(client, "/lettings/")
    with commit():
        LettingPage.objects.get(pk=site["letting"].pk).delete()
    assert "Green Haus" not in served(client, "/lettings/")[0].text
    assert served(client, "/lettings/green-haus/")[0].status_code == 404


def test_moving_a_page_clears_the_cache(client, site, commit):
    second = make_letting(site["index"], title="Zulu House")
    served(client, "/lettings/")
    generation = cache.current_generation()
    with commit():
        second.move(site["index"], pos="first-child")
    assert cache.current_generation() != generation
    assert served(client, "/lettings/")[1] == "miss"


def test_editing_an_address_snippet_shows_on_the_letting_and_the_listing(client, site, commit):
    served(client, "/lettings/green-haus/")
    served(client, "/lettings/?state=GA")
    address = site["letting"].address
    address.street = "Willow Lane"
    address.state = "OH"
    with commit():
        address.save()
    assert "Willow Lane" in served(client, "/lettings/green-haus/")[0].text
    assert "Green Haus" not in served(client, "/lettings/?state=GA")[0].text


def test_editing_a_profile_or_its_user_shows_at_once(client, site, commit):
    served(client, "/profiles/AirWow/")
    profile = Profile.objects.get(user__username="AirWow")
    profile.favorite_city = "Lisbon"
    with commit():
        profile.save()
    assert "Lisbon" in served(client, "/profiles/AirWow/")[0].text
    profile.user.first_name = "Adaline"
    with commit():
        profile.user.save()
    assert "Adaline" in served(client, "/profiles/AirWow/")[0].text


def test_a_login_does_not_clear_the_cache(client, site, editor, commit):
    served(client, "/lettings/")
    with commit():
        client.force_login(editor)
    client.logout()
    assert served(client, "/lettings/")[1] == "hit"


def test_nothing_is_cleared_before_the_change_commits(client, site, django_capture_on_commit_callbacks):
    served(client, "/lettings/")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        site["letting"].unpublish()
    # Still inside the transaction: a visitor may get the old page, which the old rows still show.
    assert served(client, "/lettings/")[1] == "hit"
    assert len(pending) >= 1


def test_a_lost_generation_starts_a_new_one_rather_than_reviving_old_pages(client, site):
    served(client, "/lettings/")
    caches["pages"].delete(cache.GENERATION_KEY)  # evicted, or Redis flushed
    assert served(client, "/lettings/")[1] == "miss"


def test_the_cache_can_be_turned_off(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    served(client, "/lettings/")
    assert served(client, "/lettings/")[1] is None


def test_wagtail_admin_edits_clear_the_cache_end_to_end(client, site, editor, commit):
    """A snippet edited through the Wagtail admin form reaches the cached page."""
    served(client, "/lettings/green-haus/")
    client.force_login(editor)
    address = site["letting"].address
    edit_url = reverse("wagtailsnippets_lettings_address:edit", args=[address.pk])
    form = {
        "number": address.number,
        "street": "Harbour Road",
        "city": address.city,
        "state": address.state,
        "zip_code": address.zip_code,
        "country_iso_code": "USA",
    }
    with commit():
        assert client.post(edit_url, form).status_code == 302
    client.logout()
    assert "Harbour Road" in served(client, "/lettings/green-haus/")[0].text


def test_requests_for_other_views_never_touch_the_cache(client, site):
    for path in ("/healthz/live", "/healthz", "/robots.txt", "/admin/login/", "/cms/login/"):
        assert client.get(path).status_code == 200
    assert caches["pages"].get(cache.GENERATION_KEY) is None  # no lookup was made, not even the generation


def test_listing_cards_are_reused_by_uncached_pages_until_the_content_changes(
    client, site, settings, commit, django_assert_num_queries
):
    settings.FRAGMENT_CACHE_SECONDS = 600
    settings.PAGE_CACHE_SECONDS = 0  # as for an editor: every page is rendered, its cards are not
    first = client.get("/lettings/?state=GA")
    # The page (its route and view restrictions were read by the first visit, for this generation),
    # every restriction for the listing's public() filter, then the page of lettings: no photo or
    # rendition query.
    with django_assert_num_queries(3):
        again = client.get("/lettings/")
    assert "Brunswick, GA" in first.text
    assert "Brunswick, GA" in again.text
    address = site["letting"].address
    address.city = "Savannah"
    with commit():
        address.save()
    assert "Savannah, GA" in client.get("/lettings/").text


def test_without_the_fragment_cache_cards_are_rendered_each_time(client, site, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    settings.PAGE_CACHE_SECONDS = 0
    address = site["letting"].address
    client.get("/lettings/")
    address.city = "Savannah"
    address.save()  # no commit needed: nothing was cached
    assert "Savannah, GA" in client.get("/lettings/").text


def test_adding_changing_and_removing_a_view_restriction_clears_the_cache_at_once(client, site, commit):
    served(client, "/lettings/")
    served(client, "/search/?q=brunswick")
    assert served(client, "/lettings/")[1] == "hit"
    with commit():
        restriction = PageViewRestriction.objects.create(
            page=site["letting"], restriction_type=PageViewRestriction.PASSWORD, password="letmein"
        )
    # The listing is rendered again; the search, which now finds nothing, is rendered and not stored.
    for path, expected in (("/lettings/", "miss"), ("/search/?q=brunswick", None)):
        response, state = served(client, path)
        assert state == expected
        assert "Green Haus" not in response.text
    served(client, "/lettings/")
    with commit():
        restriction.restriction_type = PageViewRestriction.LOGIN
        restriction.save()
    assert served(client, "/lettings/")[1] == "miss"
    with commit():
        restriction.delete()
    response, state = served(client, "/lettings/")
    assert state == "miss"
    assert "Green Haus" in response.text


def test_a_change_of_a_restrictions_groups_clears_the_cache(client, site, commit):
    restriction = PageViewRestriction.objects.create(page=site["letting"], restriction_type=PageViewRestriction.GROUPS)
    served(client, "/lettings/")
    with commit():
        restriction.groups.add(Group.objects.get(name="Editors"))
    assert served(client, "/lettings/")[1] == "miss"


@pytest.mark.parametrize(
    "path",
    [
        "/lettings/?x=1",
        "/lettings/?state=ga",  # the form makes it GA: the page shown is the one of ?state=GA
        "/lettings/?state=GA&state=OH",
        "/lettings/?after=abc",
        "/lettings/?after=007",
        "/lettings/?state=XX",  # a form error
        "/lettings/green-haus/?q=1",
        "/profiles/?after=1&page=2",
        "/search/?q=brunswick&lettings_after=x",
    ],
)
def test_only_canonical_urls_are_stored(client, site, path):
    for _ in range(2):
        response, state = served(client, path)
        assert response.status_code == 200
        assert state is None  # served, never stored: the second visit is no hit either


def test_equivalent_urls_share_one_entry(client, site):
    served(client, "/lettings/?state=GA&city=Brunswick")
    for path in ("/lettings/?city=Brunswick&state=GA", "/lettings/?state=GA&city=Brunswick&utm_source=mail"):
        assert served(client, path)[1] == "hit"
    assert served(client, "/lettings/?state=&city=Brunswick")[1] == "miss"  # an empty filter is no filter
    assert served(client, "/lettings/?city=Brunswick&state=")[1] == "hit"
    served(client, "/search/?q=brunswick+street")
    for spelling in ("+street+brunswick", "Brunswick,+STREET!", "street brunswick street"):  # one search
        assert served(client, f"/search/?q={spelling}")[1] == "hit", spelling


def test_pages_with_a_query_string_share_a_budget_that_starts_again_every_window(client, site, settings, monkeypatch):
    monkeypatch.setattr(cache, "query_window", lambda: 1)
    assert served(client, "/lettings/?state=GA")[1] == "miss"
    spent = caches["pages"].get(f"{cache.QUERY_BUDGET_KEY_PREFIX}1")
    assert spent > len(served(client, "/lettings/?state=GA")[0].content)  # its content, headers and key
    settings.PAGE_CACHE_QUERY_BYTES = spent + 2000  # one page of this size a window, not two
    assert served(client, "/lettings/?city=Brunswick")[1] is None  # served, not stored
    assert served(client, "/lettings/?city=Brunswick")[1] is None
    assert served(client, "/lettings/")[1] == "miss"  # a page without a query string costs nothing
    assert served(client, "/lettings/?state=GA")[1] == "hit"  # what was stored is still served
    monkeypatch.setattr(cache, "query_window", lambda: 2)
    assert served(client, "/lettings/?city=Brunswick")[1] == "miss"  # a new window, a new budget


def test_hosts_that_resolve_to_one_site_share_one_entry(client, site):
    served(client, "/lettings/", HTTP_HOST="localhost:1")
    for port in (2, 3, 65535):
        assert served(client, "/lettings/", HTTP_HOST=f"localhost:{port}")[1] == "hit"
    assert served(client, "/lettings/", HTTP_HOST="127.0.0.1")[1] == "hit"  # the same (default) site
    assert client.get("/lettings/", HTTP_HOST="evil.example").status_code == 400


def test_hits_and_stored_pages_say_vary_cookie(client, site):
    first = client.get("/lettings/")
    second = client.get("/lettings/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for response in (first, second):
        assert "Cookie" in response["Vary"]
    assert "Cookie" in client.get("/lettings/?x=1")["Vary"]  # served uncached: it still varies


def test_miss_is_said_only_when_the_page_was_stored(client, site, monkeypatch):
    monkeypatch.setattr(cache, "store", lambda *args, **kwargs: False)  # as when Redis refuses the write
    response, state = served(client, "/lettings/")
    assert response.status_code == 200
    assert state is None


def test_a_new_site_for_a_host_is_used_at_once(client, site, lettings_index, commit, settings):
    settings.ALLOWED_HOSTS = ["testserver", "lettings.example"]
    home = served(client, "/", HTTP_HOST="lettings.example")[0]
    assert served(client, "/", HTTP_HOST="lettings.example")[1] == "hit"  # the default site's home page
    with commit():
        Site.objects.create(hostname="lettings.example", port=80, root_page=lettings_index)
    response, state = served(client, "/", HTTP_HOST="lettings.example")
    assert state == "miss"
    assert response.content != home.content
    assert "Green Haus" in response.text  # the new site's root is the lettings listing
