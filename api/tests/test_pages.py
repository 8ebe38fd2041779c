"""The pages endpoint: which lettings it lists, and what it shows of each (and never shows)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from lettings.models import LettingPage
from testing.factories import make_letting

pytestmark = pytest.mark.django_db


def titles(body: dict) -> list[str]:
    """Return the titles of a listing's items, in order."""
    return [item["title"] for item in body["items"]]


def restrict(page, kind: str) -> PageViewRestriction:
    """Put a view restriction of ``kind`` (password, login, groups) on ``page``."""
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password="letmein")
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.get(name="Editors"))
    return restriction


def test_the_listing_shows_every_fact_the_address_amenities_photos_and_upcoming_bookings(api, green_haus):
    status, body = api("/api/v2/pages/")
    assert status == 200
    assert body["meta"] == {"total_count": 1}
    [item] = body["items"]
    site = Site.objects.get(is_default_site=True)
    assert item["id"] == green_haus.pk
    assert item["meta"] == {
        "type": "lettings.LettingPage",
        "detail_url": f"{site.root_url}/api/v2/pages/{green_haus.pk}/",
    }
    assert (item["title"], item["slug"], item["summary"]) == (
        "Green Haus",
        "green-haus",
        "A green house by the marshes.",
    )
    assert item["url"] == f"{site.root_url}/lettings/green-haus/"
    assert item["facts"] == {
        "property_type": "cabin",
        "sleeps": 4,
        "bedrooms": 2,
        "beds": 3,
        "bathrooms": 1.5,
        "floor_area": 900,
        "price_per_night": "165.00",
        "minimum_nights": 2,
        "check_in_time": "16:00",
        "check_out_time": "10:00",
        "pets_allowed": True,
        "house_rules": '<p data-block-key="rules">No <b>parties</b>.</p>',
    }
    assert item["address"] == {
        "street": "12 Bedford Street",
        "city": "Brunswick",
        "state": "GA",
        "zip_code": "31525",
        "country": "USA",
        "latitude": 31.149,
        "longitude": -81.491,
    }
    assert [(amenity["name"], amenity["icon"]) for amenity in item["amenities"]] == [
        ("Hot tub", "hot-tub"),
        ("Wi-Fi", "wifi"),
    ]
    gallery = list(green_haus.gallery_images.all())
    assert [photo["image_id"] for photo in item["photos"]] == [photo.image_id for photo in gallery]
    assert [photo["alt"] for photo in item["photos"]] == ["Green Haus view 0", "Green Haus view 1"]
    small, large = item["photos"][0]["small"], item["photos"][0]["large"]
    assert (small["width"], small["height"]) == (480, 320)
    assert ".fill-480x320.format-jpeg" in small["url"]
    assert ".fill-1280x853.format-jpeg" in large["url"]
    assert small["full_url"].startswith(("http://", "https://"))


def test_booked_periods_show_dates_from_today_on_never_the_source_or_the_note(api, green_haus):
    today = timezone.localdate()
    for url in ("/api/v2/pages/", f"/api/v2/pages/{green_haus.pk}/"):
        _status, body = api(url)
        periods = body["items"][0]["booked_periods"] if "items" in body else body["booked_periods"]
        assert periods == [
            {
                "start": (today - datetime.timedelta(days=2)).isoformat(),
                "end": (today + datetime.timedelta(days=3)).isoformat(),
            },
            {
                "start": (today + datetime.timedelta(days=20)).isoformat(),
                "end": (today + datetime.timedelta(days=27)).isoformat(),
            },
        ]


@pytest.mark.parametrize("path", ["/api/v2/pages/", "/api/v2/pages/{pk}/", "/api/v2/pages/?fields=*"])
def test_no_personal_or_internal_data_is_ever_in_a_response(client, green_haus, path):
    text = client.get(path.format(pk=green_haus.pk)).text
    for secret in ("Jane Guest", "555 0100", "note", "owner", "legacy", "revision", "profile", "user", "password"):
        assert secret not in text.lower(), secret


def test_the_detail_shows_the_same_fields_as_the_listing(api, green_haus):
    _status, listing = api("/api/v2/pages/")
    status, detail = api(f"/api/v2/pages/{green_haus.pk}/")
    assert status == 200
    assert detail == listing["items"][0]


def test_a_letting_without_address_photos_or_facts_shows_nulls(api, lettings_index):
    letting = make_letting(lettings_index, title="Bare")
    LettingPage.objects.filter(pk=letting.pk).update(address=None)
    _status, body = api("/api/v2/pages/")
    [item] = body["items"]
    assert item["address"] is None
    assert item["photos"] == item["amenities"] == item["booked_periods"] == []
    assert item["facts"]["property_type"] is None
    assert item["facts"]["sleeps"] is None


def test_drafts_and_other_page_types_are_not_listed(api, lettings_index, green_haus):
    make_letting(lettings_index, title="Draft", publish=False)
    _status, body = api("/api/v2/pages/")
    assert titles(body) == ["Green Haus"]  # not the home page, the index or the profiles index
    # Wagtail's type widens nothing: any page model still lists the live lettings alone.
    for model in ("wagtailcore.Page", "lettings.LettingPage", "home.HomePage,wagtailcore.Page"):
        assert titles(api(f"/api/v2/pages/?type={model}")[1]) == ["Green Haus"], model


def test_a_draft_is_a_404(api, lettings_index):
    draft = make_letting(lettings_index, title="Draft", publish=False)
    assert api(f"/api/v2/pages/{draft.pk}/") == (404, {"message": "No LettingPage matches the given query."})


def test_an_unpublished_letting_disappears(api, green_haus):
    green_haus.unpublish()
    assert api("/api/v2/pages/")[1]["items"] == []
    assert api(f"/api/v2/pages/{green_haus.pk}/")[0] == 404


@pytest.mark.parametrize("kind", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS])
def test_a_restricted_letting_is_neither_listed_nor_found(api, lettings_index, green_haus, kind):
    hidden = make_letting(lettings_index, title="Hidden")
    restrict(hidden, kind)
    assert titles(api("/api/v2/pages/")[1]) == ["Green Haus"]
    assert titles(api("/api/v2/pages/?type=wagtailcore.Page")[1]) == ["Green Haus"]
    assert api(f"/api/v2/pages/{hidden.pk}/")[0] == 404
    assert api(f"/api/v2/pages/{hidden.pk}/?type=wagtailcore.Page")[0] == 404
    assert api(f"/api/v2/pages/find/?id={hidden.pk}")[0] == 404


def test_a_restriction_on_the_index_hides_every_letting_under_it(api, lettings_index, green_haus):
    restrict(lettings_index, PageViewRestriction.LOGIN)
    assert api("/api/v2/pages/")[1] == {"meta": {"total_count": 0}, "items": []}
    assert api(f"/api/v2/pages/{green_haus.pk}/")[0] == 404


def test_a_restricted_letting_stays_hidden_from_a_logged_in_editor_and_after_its_password(
    client, api, lettings_index, editor
):
    hidden = make_letting(lettings_index, title="Hidden")
    restriction = restrict(hidden, PageViewRestriction.PASSWORD)
    response = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{hidden.pk}/",
        {"password": "letmein", "return_url": hidden.url},
    )
    assert response.status_code == 302  # the visitor's session now opens the page on the site ...
    client.force_login(editor)
    assert titles(api("/api/v2/pages/")[1]) == []  # ... but the API, the same for everyone, hides it
    assert api(f"/api/v2/pages/{hidden.pk}/")[0] == 404


def test_fields_narrow_the_response(api, green_haus):
    root_url = Site.objects.get(is_default_site=True).root_url
    _status, body = api("/api/v2/pages/?fields=_,id,title,url")
    assert body["items"][0] == {"id": green_haus.pk, "title": "Green Haus", "url": f"{root_url}/lettings/green-haus/"}
    _status, body = api("/api/v2/pages/?fields=-booked_periods,-photos")
    assert "photos" not in body["items"][0]
    assert "facts" in body["items"][0]


def test_find_by_html_path_redirects_to_the_detail(client, green_haus, lettings_index):
    response = client.get("/api/v2/pages/find/?html_path=/lettings/green-haus/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/api/v2/pages/{green_haus.pk}/?")
    assert client.get("/api/v2/pages/find/?html_path=/lettings/").status_code == 404  # the index is not exposed
    assert client.get("/api/v2/pages/find/?html_path=/no/such/page/").status_code == 404


def test_the_listing_is_sorted_by_title_and_paged(api, lettings_index):
    for title in ("Cedar", "Alder", "Birch"):
        make_letting(lettings_index, title=title)
    _status, body = api("/api/v2/pages/?limit=2")
    assert (body["meta"]["total_count"], titles(body)) == (3, ["Alder", "Birch"])
    assert titles(api("/api/v2/pages/?limit=2&offset=2")[1]) == ["Cedar"]
