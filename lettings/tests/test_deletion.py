"""Deleting never breaks the site: addresses and photos still used by a letting (live or draft) are kept.

An address or an image is "in use" while a letting's page, its latest revision or a revision scheduled
for publishing names it. Every way of deleting one, in both admins, refuses with a message naming the
letting, and never answers 500.
"""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from lettings.models import Address, LettingPage, LettingPageGalleryImage
from testing.factories import make_address, make_image, make_letting
from testing.forms import letting_form

pytestmark = pytest.mark.django_db

Image = get_image_model()


def bulk_url(app_label: str, model_name: str, action: str, objects, next_url: str = "/cms/") -> str:
    """Return the URL of one of Wagtail's bulk actions on ``objects``, coming back to ``next_url``."""
    query = urlencode([("id", obj.pk) for obj in objects] + [("next", next_url)])
    return reverse("wagtail_bulk_action", args=[app_label, model_name, action]) + "?" + query


def save_draft(letting, **changes):
    """Save a draft revision of ``letting`` with ``changes``, leaving the live page as it is."""
    draft = LettingPage.objects.get(pk=letting.pk).get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft.save_revision()


def draft_with_photo(letting, image):
    """Save a draft revision of ``letting`` whose gallery holds ``image``."""
    draft = LettingPage.objects.get(pk=letting.pk).get_latest_revision_as_object()
    draft.gallery_images.add(LettingPageGalleryImage(image=image, alt_text="Draft photo"))
    return draft.save_revision()


def messages_of(response) -> list[str]:
    """Return the texts of the messages a response carries."""
    return [str(message) for message in response.context["messages"]] if response.context else []


# Addresses in the Wagtail admin


def test_address_named_only_by_a_draft_cannot_be_deleted(client, superuser, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin")
    new_address = make_address(street="Draft Street")
    save_draft(letting, address=new_address)
    client.force_login(superuser)
    url = reverse("wagtailsnippets_lettings_address:delete", args=[new_address.pk])

    confirmation = client.get(url, follow=True)
    assert confirmation.status_code == 200
    assert "latest draft of the letting “Lakeside Cabin”" in confirmation.text
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "latest draft of the letting “Lakeside Cabin”" in response.text
    assert Address.objects.filter(pk=new_address.pk).exists()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[letting.pk])).status_code == 200


def test_address_named_by_a_scheduled_revision_cannot_be_deleted(client, superuser, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin")
    scheduled_address = make_address()
    revision = save_draft(letting, address=scheduled_address)
    revision.approved_go_live_at = "2099-01-01T10:00:00Z"
    revision.save()
    save_draft(letting, address=letting.address)  # a later draft names the live address again
    client.force_login(superuser)
    response = client.post(reverse("wagtailsnippets_lettings_address:delete", args=[scheduled_address.pk]), follow=True)
    assert "revision of the letting “Lakeside Cabin” scheduled for publishing" in response.text
    assert Address.objects.filter(pk=scheduled_address.pk).exists()


def test_address_of_a_never_published_letting_cannot_be_deleted(client, superuser, lettings_index):
    letting = make_letting(lettings_index, title="Draft Cabin", publish=False)
    client.force_login(superuser)
    response = client.post(reverse("wagtailsnippets_lettings_address:delete", args=[letting.address.pk]), follow=True)
    assert "is the address of the letting “Draft Cabin”" in response.text
    assert Address.objects.filter(pk=letting.address.pk).exists()


def test_free_address_and_one_a_draft_no_longer_names_can_be_deleted(client, editor, lettings_index):
    letting = make_letting(lettings_index)
    abandoned = make_address()
    save_draft(letting, address=abandoned)
    save_draft(letting, address=letting.address)
    client.force_login(editor)
    response = client.post(reverse("wagtailsnippets_lettings_address:delete", args=[abandoned.pk]))
    assert response.status_code == 302
    assert not Address.objects.filter(pk=abandoned.pk).exists()


def test_bulk_delete_refuses_every_address_when_one_is_in_use(client, editor, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin")
    drafted = make_letting(lettings_index, title="Hill House")
    draft_address = make_address()
    save_draft(drafted, address=draft_address)
    free = make_address()
    client.force_login(editor)
    url = bulk_url("lettings", "address", "delete", [letting.address, draft_address, free])

    assert client.get(url, follow=True).status_code == 200
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert f"“{letting.address}” is the address of the letting “Lakeside Cabin”" in response.text
    assert "latest draft of the letting “Hill House”" in response.text
    assert "Nothing was deleted" in response.text
    assert Address.objects.filter(pk__in=[letting.address.pk, draft_address.pk, free.pk]).count() == 3

    free_only = client.post(bulk_url("lettings", "address", "delete", [free]))
    assert free_only.status_code == 302
    assert not Address.objects.filter(pk=free.pk).exists()


def test_edit_view_asks_for_an_address_when_the_draft_names_a_deleted_one(client, superuser, lettings_index):
    """Data from before the fix: a draft names an address that no longer exists; the editor still opens."""
    letting = make_letting(lettings_index, title="Lakeside Cabin")
    gone = make_address()
    save_draft(letting, address=gone)
    Address.objects.filter(pk=gone.pk).delete()  # bypasses both admins, as the old delete view allowed
    client.force_login(superuser)
    edit_url = reverse("wagtailadmin_pages:edit", args=[letting.pk])

    response = client.get(edit_url)
    assert response.status_code == 200
    assert not BeautifulSoup(response.content, "html.parser").select_one("input[name=address]").get("value")
    data = nested_form_data(
        {
            "title": "Lakeside Cabin",
            "slug": letting.slug,
            "address": "",
            "summary": "",
            "body": rich_text(""),
            "gallery_images": inline_formset([]),
            "action-publish": "publish",
        }
    )
    refused = client.post(edit_url, data)
    assert refused.status_code == 200
    assert "This field is required." in refused.text
    data["address"] = make_address().pk
    assert client.post(edit_url, data).status_code == 302


# Images in the Wagtail admin


def test_image_in_a_live_gallery_cannot_be_deleted(client, editor, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin", photos=1)
    image = letting.gallery_images.get().image
    client.force_login(editor)
    url = reverse("wagtailimages:delete", args=[image.pk])

    confirmation = client.get(url, follow=True)
    assert confirmation.status_code == 200
    assert "used by the letting “Lakeside Cabin”" in confirmation.text
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "used by the letting “Lakeside Cabin”" in response.text
    assert Image.objects.filter(pk=image.pk).exists()
    assert letting.gallery_images.filter(image=image).exists()


def test_image_in_the_latest_draft_of_a_gallery_cannot_be_deleted(client, editor, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin")
    image = make_image()
    draft_with_photo(letting, image)
    client.force_login(editor)
    response = client.post(reverse("wagtailimages:delete", args=[image.pk]), follow=True)
    assert "latest draft of the letting “Lakeside Cabin”" in response.text
    assert Image.objects.filter(pk=image.pk).exists()


def test_image_delete_from_the_multiple_upload_page_is_refused_too(client, editor, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin", photos=1)
    image = letting.gallery_images.get().image
    client.force_login(editor)
    response = client.post(reverse("wagtailimages:delete_multiple", args=[image.pk]))
    assert response.status_code == 409
    assert response.json()["success"] is False
    assert "Lakeside Cabin" in response.json()["error_message"]
    assert Image.objects.filter(pk=image.pk).exists()


def test_bulk_delete_refuses_every_image_when_one_is_in_use(client, editor, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin", photos=1)
    used = letting.gallery_images.get().image
    free = make_image("Spare photo")
    client.force_login(editor)
    url = bulk_url("wagtailimages", "image", "delete", [used, free])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "used by the letting “Lakeside Cabin”" in response.text
    assert Image.objects.filter(pk__in=[used.pk, free.pk]).count() == 2
    assert letting.gallery_images.count() == 1

    assert client.post(bulk_url("wagtailimages", "image", "delete", [free])).status_code == 302
    assert not Image.objects.filter(pk=free.pk).exists()


def test_free_image_can_be_deleted(client, editor):
    image = make_image()
    client.force_login(editor)
    assert client.post(reverse("wagtailimages:delete", args=[image.pk])).status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()


# The Django admin


def test_django_admin_refuses_an_address_in_use_or_in_a_draft(client, superuser, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin")
    drafted = make_letting(lettings_index, title="Hill House")
    draft_address = make_address()
    save_draft(drafted, address=draft_address)
    client.force_login(superuser)

    for address in (letting.address, draft_address):
        url = reverse("admin:lettings_address_delete", args=[address.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"post": "yes"})
        assert response.status_code == 200
        assert "Cannot delete address" in response.text
        assert Address.objects.filter(pk=address.pk).exists()
    assert "latest draft of the letting “Hill House”" in response.text

    changelist = reverse("admin:lettings_address_changelist")
    selected = {"action": "delete_selected", "_selected_action": [letting.address.pk, draft_address.pk], "post": "yes"}
    response = client.post(changelist, selected)
    assert response.status_code == 200
    assert "Cannot delete addresses" in response.text
    assert Address.objects.filter(pk__in=[letting.address.pk, draft_address.pk]).count() == 2


def test_django_admin_refuses_an_image_in_a_gallery(client, superuser, lettings_index):
    letting = make_letting(lettings_index, title="Lakeside Cabin", photos=1)
    image = letting.gallery_images.get().image
    drafted = make_letting(lettings_index, title="Hill House")
    draft_image = make_image()
    draft_with_photo(drafted, draft_image)
    client.force_login(superuser)

    response = client.post(reverse("admin:wagtailimages_image_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "Cannot delete image" in response.text
    assert "The letting “Lakeside Cabin” (photos)" in response.text
    response = client.post(reverse("admin:wagtailimages_image_delete", args=[draft_image.pk]), {"post": "yes"})
    assert "The latest draft of the letting “Hill House” (photos)" in response.text
    assert Image.objects.filter(pk__in=[image.pk, draft_image.pk]).count() == 2
    assert letting.gallery_images.count() == 1

    free = make_image()
    response = client.post(reverse("admin:wagtailimages_image_delete", args=[free.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.filter(pk=free.pk).exists()


def test_an_address_a_draft_names_cannot_be_given_to_another_letting(client, editor, lettings_index):
    """Else the draft could never be published: approval, bulk publish and scheduling would fail on it."""
    drafted = make_letting(lettings_index, title="Drafted Cabin")
    other = make_letting(lettings_index, title="Other House")
    wanted = make_address()
    save_draft(drafted, address=wanted)
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[other.pk])
    form = letting_form(wanted, title="Other House", slug=other.slug, **{"action-publish": "1"})
    response = client.post(edit_url, form)
    assert response.status_code == 200
    assert "named by a draft or scheduled version of the letting “Drafted Cabin”" in response.text
    other.refresh_from_db()
    assert other.address_id != wanted.pk
    bulk_publish = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={drafted.pk}"
    assert client.post(bulk_publish).status_code == 302  # the draft still publishes
    drafted.refresh_from_db()
    assert drafted.address_id == wanted.pk


def test_a_letting_keeps_its_own_drafts_address(lettings_index):
    letting = make_letting(lettings_index, title="Own Draft")
    wanted = make_address()
    save_draft(letting, address=wanted)
    draft = LettingPage.objects.get(pk=letting.pk).get_latest_revision_as_object()
    draft.full_clean()  # its own draft is no conflict
