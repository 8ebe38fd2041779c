"""Editors and moderators in the Wagtail admin, in a real browser: write, preview, publish, moderate."""

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from testing.browser import log_in_to_wagtail, wait_until

pytestmark = pytest.mark.system  # real processes: run once, on PostgreSQL (make test-system)


def photo_file(tmp_path):
    """Write a small JPEG that the editor uploads, and return its path."""
    path = tmp_path / "porch.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), "#2a9d8f").save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def lettings_index_id(page) -> str:
    """Return the lettings index page's id, found with the admin's page search as an editor would."""
    page.goto("/cms/pages/search/?q=Lettings")
    href = page.locator("main a[href*='/edit/']", has_text="Lettings").first.get_attribute("href")
    return re.search(r"/cms/pages/(\d+)/edit/", href).group(1)


def create_address(page, street: str) -> None:
    """Create an address snippet through its form."""
    page.goto("/cms/snippets/lettings/address/add/")
    page.fill("#id_number", "12")
    page.fill("#id_street", street)
    page.fill("#id_city", "Savannah")
    page.select_option("#id_state", "GA")
    page.fill("#id_zip_code", "01402")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/cms/snippets/lettings/address/")
    assert f"12 {street}" in page.locator("main").inner_text()


def fill_letting_form(page, title: str, street: str, *, photo=None) -> None:
    """Fill the letting page form: title, address (chooser), summary, body and optionally a photo."""
    page.fill("#id_title", title)
    page.get_by_role("button", name="Choose address").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("link", name=f"12 {street}").click()
    page.wait_for_selector("#id_address-chooser:not(.blank)", state="attached")
    page.fill("#id_summary", f"Summary of {title}.")
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    editor.type("Sunny rooms and a porch.")
    if photo is not None:
        page.get_by_role("button", name="Add Photo").click()
        page.locator("#inline_child_gallery_images-0").get_by_role("button", name="Choose an image").click()
        modal = page.locator(".modal-dialog")
        modal.get_by_role("tab", name="Upload").click()
        modal.locator("input[type=file]").set_input_files(str(photo))
        modal.locator("input[name='image-chooser-upload-title']").fill(f"{title} porch")
        modal.get_by_role("button", name="Upload").click()
        page.wait_for_selector(".modal-dialog", state="detached")
        page.fill("#id_gallery_images-0-alt_text", "A porch with two chairs")


def footer_action(page, name: str) -> None:
    """Click one of the footer's actions (Save draft is visible; the others sit in its menu)."""
    if name == "Save draft":
        page.locator("footer button.action-save").click()
        return
    page.locator("footer .w-dropdown__toggle").first.click()
    page.locator("footer").get_by_role("button", name=name).click()


def test_editor_writes_previews_publishes_revises_and_unpublishes(page, second_page, site, tmp_path):
    suffix = uuid.uuid4().hex[:6]
    title, street = f"Porch House {suffix}", f"Elm Street {suffix}"
    slug = f"porch-house-{suffix}"
    log_in_to_wagtail(page, "e2e-editor", site["password"])
    create_address(page, street)

    index_id = lettings_index_id(page)
    page.goto(f"/cms/pages/add/lettings/lettingpage/{index_id}/")
    fill_letting_form(page, title, street, photo=photo_file(tmp_path))
    footer_action(page, "Save draft")
    page.wait_for_url("**/edit/")
    letting_id = re.search(r"/cms/pages/(\d+)/edit/", page.url).group(1)
    visitor = second_page
    visitor.watch.allow(f"/lettings/{slug}/", 404)
    assert visitor.goto(f"/lettings/{slug}/").status == 404

    page.get_by_role("button", name="Toggle preview").click()
    # Wagtail swaps in a fresh iframe once the preview has rendered; wait for the visitor's view in it.
    expect(page.frame_locator("iframe#w-preview-iframe").locator("main .lead")).to_have_text(f"Summary of {title}.")

    # The visitor's listing comes from the page cache (Redis, shared by the workers) until the publish.
    visitor.goto("/lettings/")
    assert visitor.goto("/lettings/").headers.get("x-page-cache") == "hit"
    assert title not in visitor.locator(".card__title").all_inner_texts()
    footer_action(page, "Publish")
    page.wait_for_url("**/cms/pages/*/")
    visitor.goto("/lettings/")
    assert title in visitor.locator(".card__title").all_inner_texts()
    visitor.goto(f"/search/?q={suffix}")
    assert title in visitor.locator(".search-results").inner_text()
    visitor.goto(f"/lettings/{slug}/")
    visitor.locator(".gallery__list img").first.scroll_into_view_if_needed()  # the photos load lazily
    wait_until(
        visitor,
        "Array.from(document.querySelectorAll('.gallery__list img')).every(i => i.complete && i.naturalWidth > 0)",
    )
    assert visitor.locator(".gallery__list img").get_attribute("alt") == "A porch with two chairs"

    page.goto(f"/cms/pages/search/?q={suffix}")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url(f"**/cms/pages/{letting_id}/edit/")
    page.fill("#id_title", f"{title} Deluxe")
    footer_action(page, "Publish")
    page.wait_for_url("**/cms/pages/*/")
    page.goto(f"/cms/pages/{letting_id}/history/")
    history = page.locator("main table tbody tr")
    assert history.filter(has_text="Published").count() == 2
    assert history.filter(has_text="Draft saved").count() >= 1
    visitor.goto(f"/lettings/{slug}/")
    assert visitor.locator("h1").inner_text() == f"{title} Deluxe"

    page.goto(f"/cms/pages/{letting_id}/unpublish/")
    page.get_by_role("button", name="Yes, unpublish it").click()
    visitor.watch.allow(f"/lettings/{slug}/", 404)
    assert visitor.goto(f"/lettings/{slug}/").status == 404

    page.goto("/admin/")
    page.wait_for_url("**/admin/login/**")
    assert "not authorized" in page.locator("main, #content").first.inner_text()
    page.watch.assert_clean()
    visitor.watch.assert_clean()


def test_moderator_approves_what_an_editor_submits(page, second_page, site):
    suffix = uuid.uuid4().hex[:6]
    title, street = f"Moderated Cabin {suffix}", f"Oak Street {suffix}"
    log_in_to_wagtail(page, "e2e-editor", site["password"])
    create_address(page, street)
    index_id = lettings_index_id(page)
    page.goto(f"/cms/pages/add/lettings/lettingpage/{index_id}/")
    fill_letting_form(page, title, street)
    footer_action(page, "Submit to Moderators approval")
    page.wait_for_url("**/cms/pages/*/")

    moderator = second_page
    log_in_to_wagtail(moderator, "e2e-moderator", site["password"])
    moderator.get_by_role("link", name=title).first.click()
    moderator.locator("footer .w-dropdown__toggle").first.click()
    moderator.locator("footer").get_by_role("button", name="Approve").first.click()
    dialog = moderator.locator("[role=dialog]:visible, .modal-dialog")
    if dialog.count():
        dialog.get_by_role("button", name="Approve").first.click()
    moderator.wait_for_url("**/cms/**")
    moderator.goto(f"/lettings/moderated-cabin-{suffix}/")
    assert moderator.locator("h1").inner_text() == title
    page.watch.assert_clean()
    moderator.watch.assert_clean()
