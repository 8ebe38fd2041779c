"""Wrong input is the partner's mistake: a 400 or a 404 with a message, never a 500; writes are a 405.

The test client re-raises a view's exception, so an unexpected error fails the test rather than
passing as a 500. Run on SQLite and on PostgreSQL: they refuse different values (huge integers, NUL).
"""

import pytest
from wagtail.models import Site

from lettings.forms import LettingFilterForm
from testing.factories import make_letting

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v2/pages/", "/api/v2/images/"]
HUGE = "999999999999999999999"


@pytest.fixture(autouse=True)
def letting(lettings_index):
    """Add a published letting with a photo, so every endpoint has a row to fail next to."""
    return make_letting(lettings_index, title="Green Haus", photos=1)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=abc", "limit must be a positive integer"),
        ("limit=-1", "limit must be a positive integer"),
        ("limit=21", "limit cannot be higher than 20"),
        ("limit=" + "9" * 5000, "limit must be a positive integer"),
        ("offset=-1", "offset must be a positive integer"),
        ("offset=1.5", "offset must be a positive integer"),
        # Past 2**63 SQLite and PostgreSQL refuse an OFFSET outright; no table has 2**31 rows.
        ("offset=2147483648", "offset cannot be higher than 2147483647"),
        ("offset=9223372036854775808", "offset cannot be higher than 2147483647"),
        ("offset=" + "9" * 30, "offset cannot be higher than 2147483647"),
        ("fields=nonexistent", "unknown fields: nonexistent"),
        ("fields=title,", "fields error: unexpected char ',' at position 6"),
        ("fields=title(", "fields error: unexpected end of input (did you miss out a close bracket?)"),
        ("fields=title(id)", "fields error: nested fields are not supported (title)"),
        (f"id={HUGE}", "query parameter is not an operation or a recognised field: id"),
        ("format=api", "query parameter is not an operation or a recognised field: format"),
        ("city=a%00b", "query parameters cannot contain null characters"),
        ("a%00b=1", "query parameters cannot contain null characters"),
    ],
)
def test_a_malformed_listing_parameter_is_a_400_with_a_message(api, endpoint, query, message):
    assert api(f"{endpoint}?{query}") == (400, {"message": message})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_malformed_detail_parameter_is_a_400_with_a_message(api, letting, endpoint):
    pk = letting.pk if endpoint.endswith("pages/") else letting.gallery_images.get().image_id
    assert api(f"{endpoint}{pk}/?fields=nonexistent") == (400, {"message": "unknown fields: nonexistent"})
    assert api(f"{endpoint}{pk}/?limit=5") == (
        400,
        {"message": "query parameter is not an operation or a recognised field: limit"},
    )
    assert api(f"{endpoint}{pk}/?fields=-%00") == (400, {"message": "query parameters cannot contain null characters"})


@pytest.mark.parametrize("name", sorted(LettingFilterForm.base_fields))
def test_junk_in_any_filter_is_a_200_or_the_forms_400(api, name):
    # Every filter the form has, today's and tomorrow's: the form refuses what it cannot read.
    for junk in ("abc", "-1", "9" * 30, "\uff12", "2026-13-45", "99999-01-01", "x" * 2000, "1e9", "0"):
        status, body = api(f"/api/v2/pages/?{name}={junk}&{name}={junk}")
        assert status == 200 or (status, body["message"]) == (400, "invalid filter"), (name, junk, body)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_highest_offset_is_an_empty_page(api, endpoint):
    assert api(f"{endpoint}?offset=2147483647") == (200, {"meta": {"total_count": 1}, "items": []})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("pk", ["0", HUGE, "9" * 5000, "2147483648", "99999"])
def test_an_id_no_row_has_is_a_404_however_large(api, endpoint, pk):
    status, body = api(f"{endpoint}{pk}/")
    assert (status, "message" in body) == (404, True)
    assert api(f"{endpoint}find/?id={pk}") == (404, {"message": "not found"})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
# "\u0661" is an Arabic-Indic one: str.isdigit() accepts it, the database would not.
@pytest.mark.parametrize("value", ["abc", "-1", "1.0", "", "\u0661"])
def test_a_find_id_that_is_not_a_number_is_a_400(api, endpoint, value):
    assert api(f"{endpoint}find/?id={value}") == (400, {"message": "id must be a positive whole number"})


def test_a_find_path_with_odd_characters_finds_nothing(api):
    for path in ("%00", "/lettings/%00/", "/lettings/" + "9" * 40 + "/", "/../../etc/passwd"):
        status, _body = api(f"/api/v2/pages/find/?html_path={path}")
        assert status in (400, 404), path


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_writes_and_other_methods_are_a_405(client, letting, endpoint, method):
    for path in (endpoint, f"{endpoint}{letting.pk}/"):
        response = getattr(client, method)(path, data={"title": "Changed"}, content_type="application/json")
        assert response.status_code == 405, path
        assert response["Allow"] == "GET, HEAD"
    letting.refresh_from_db()
    assert letting.title == "Green Haus"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_head_is_answered_like_get(client, endpoint):
    response = client.head(endpoint)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_json_is_served_whatever_the_client_accepts(client):
    # No browsable API: its page needs scripts that the site's Content-Security-Policy forbids.
    for accept in ("text/html", "application/xml", "text/html,application/xhtml+xml,*/*;q=0.8"):
        response = client.get("/api/v2/pages/", headers={"Accept": accept})
        assert (response.status_code, response["Content-Type"]) == (200, "application/json")
        assert response.json()["meta"]["total_count"] == 1
    assert "<html" not in client.get("/api/v2/pages/?format=api").text


def test_no_session_or_csrf_cookie_is_needed_or_set(client):
    response = client.get("/api/v2/pages/")
    assert response.status_code == 200
    assert not response.cookies


def test_without_any_site_the_api_still_answers(api, letting):
    # A superuser may delete every site: the letting then has no URL, and nothing fails.
    Site.objects.all().delete()
    status, body = api("/api/v2/pages/")
    assert (status, body["items"][0]["url"]) == (200, None)
    assert api(f"/api/v2/pages/{letting.pk}/")[0] == 200
    assert api("/api/v2/pages/find/?html_path=/lettings/green-haus/")[0] == 404
    assert api("/api/v2/images/")[0] == 200
