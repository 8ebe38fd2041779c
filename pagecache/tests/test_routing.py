"""Pages are routed once per content generation: what a second visit skips, and that no change is missed."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from pagecache import routing
from testing.factories import make_address, make_letting, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(home_page, lettings_index, profiles_index):
    """Return a letting and a profile."""
    make_profile("AirWow", favorite_city="Budapest")
    return make_letting(lettings_index, title="Green Haus", address=make_address(city="Brunswick"))


def test_a_second_visit_fetches_the_page_with_one_query_instead_of_routing(client, site, django_assert_max_num_queries):
    client.get("/lettings/green-haus/")
    assert any(path == "lettings/green-haus/" for _site, path in routing._routes.routes)
    with django_assert_max_num_queries(7):  # the page, its gallery, amenities, calendar... not the route
        assert client.get("/lettings/green-haus/").status_code == 200


def test_made_up_paths_are_never_remembered(client, site):
    client.get("/lettings/green-haus/")
    remembered = len(routing._routes.routes)
    for number in range(20):  # made-up pages, profiles nobody has, old-site ids nobody had
        assert client.get(f"/lettings/no-such-letting-{number}/").status_code == 404
        assert client.get(f"/profiles/nobody{number}/").status_code == 404
        assert client.get(f"/lettings/{900000 + number}/").status_code == 404
    assert len(routing._routes.routes) == remembered


def test_a_new_slug_an_unpublish_and_a_view_restriction_are_seen_at_once(client, site, commit):
    assert client.get("/lettings/green-haus/").status_code == 200
    site.slug = "green-haus-brunswick"
    with commit():
        site.save_revision().publish()
    assert client.get("/lettings/green-haus/").status_code in (301, 302, 404)
    assert client.get("/lettings/green-haus-brunswick/").status_code == 200
    with commit():
        PageViewRestriction.objects.create(page=site, restriction_type=PageViewRestriction.LOGIN)
    assert client.get("/lettings/green-haus-brunswick/").status_code == 302  # to the login page
    with commit():
        PageViewRestriction.objects.all().delete()
        site.unpublish()
    assert client.get("/lettings/green-haus-brunswick/").status_code == 404


def test_a_restricted_page_is_checked_on_every_visit(client, site, editor, commit):
    with commit():
        restriction = PageViewRestriction.objects.create(page=site, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.add(Group.objects.get(name="Moderators"))
    for _ in range(2):
        assert client.get("/lettings/green-haus/").status_code == 302
    client.force_login(editor)  # an editor is not a moderator: still refused, however often it is routed
    for _ in range(2):
        assert client.get("/lettings/green-haus/").status_code in (302, 403)


def test_a_routable_pages_sub_route_is_resolved_on_every_visit(client, site, commit):
    for _ in range(2):
        assert "Budapest" in client.get("/profiles/AirWow/").text
    make_profile("Fresh", favorite_city="Lisbon")  # no commit: the same generation, yet a new sub-route
    assert "Lisbon" in client.get("/profiles/Fresh/").text
    assert client.get("/profiles/Nobody/").status_code == 404


def test_without_a_shared_generation_every_request_is_routed_by_wagtail(client, site, settings):
    settings.GENERATION_MEMO = False
    routing._routes.start(None)
    for _ in range(2):
        assert client.get("/lettings/green-haus/").status_code == 200
    assert routing._routes.routes == {}
