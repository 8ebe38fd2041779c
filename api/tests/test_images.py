"""The images endpoint: only photos of published, public lettings, as renditions."""

import pytest
from wagtail.models import PageViewRestriction

from lettings.models import LettingPageGalleryImage
from testing.factories import make_image, make_letting

pytestmark = pytest.mark.django_db


def ids(body: dict) -> list[int]:
    """Return the ids of a listing's items, in order."""
    return [item["id"] for item in body["items"]]


@pytest.fixture
def photos(lettings_index):
    """Return images: in a public letting, only in a draft, only in a restricted letting, shared, unused."""
    public, draft_only, restricted_only, shared, unused = (make_image(title) for title in "abcde")
    make_letting(lettings_index, title="Public", photos=1, image=public)
    draft = make_letting(lettings_index, title="Draft", photos=1, image=draft_only, publish=False)
    hidden = make_letting(lettings_index, title="Hidden", photos=1, image=restricted_only)
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    LettingPageGalleryImage.objects.create(page=draft, image=shared, alt_text="Shared, in the draft")
    LettingPageGalleryImage.objects.create(page=hidden, image=shared, alt_text="Shared, in the hidden one")
    make_letting(lettings_index, title="Public Too", photos=1, image=shared)
    return {
        "public": public,
        "draft_only": draft_only,
        "restricted_only": restricted_only,
        "shared": shared,
        "unused": unused,
    }


def test_only_photos_of_public_lettings_are_listed(api, photos):
    status, body = api("/api/v2/images/")
    assert status == 200
    assert ids(body) == sorted([photos["public"].pk, photos["shared"].pk])
    assert body["meta"]["total_count"] == 2


@pytest.mark.parametrize("name", ["draft_only", "restricted_only", "unused"])
def test_a_photo_nothing_public_shows_is_a_404(api, photos, name):
    assert api(f"/api/v2/images/{photos[name].pk}/")[0] == 404
    assert api(f"/api/v2/images/find/?id={photos[name].pk}")[0] == 404


def test_a_photo_shows_its_size_and_renditions_never_the_original_file(api, client, photos):
    image = photos["public"]
    status, body = api(f"/api/v2/images/{image.pk}/")
    assert status == 200
    assert set(body) == {"id", "meta", "title", "width", "height", "small", "large"}
    assert (body["title"], body["width"], body["height"]) == ("a", 1000, 700)
    assert body["meta"]["type"] == "wagtailimages.Image"
    assert (body["small"]["width"], body["small"]["height"]) == (480, 320)
    assert image.file.name not in client.get(f"/api/v2/images/{image.pk}/").text  # no download URL
    assert "download_url" not in client.get("/api/v2/images/?fields=*").text


def test_unpublishing_the_letting_hides_its_photo(api, photos, lettings_index):
    letting = lettings_index.get_children().get(title="Public").specific
    letting.unpublish()
    assert ids(api("/api/v2/images/")[1]) == [photos["shared"].pk]
    assert api(f"/api/v2/images/{photos['public'].pk}/")[0] == 404
