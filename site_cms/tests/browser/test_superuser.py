"""The superuser's raw CRUD in the Django admin, in a real browser."""

import uuid

import pytest

from testing.browser import log_in_to_django_admin

pytestmark = pytest.mark.system  # real processes: run once, on PostgreSQL (make test-system)


def test_superuser_crud_in_the_django_admin(page, second_page, site):
    suffix = uuid.uuid4().hex[:6]
    log_in_to_django_admin(page, "e2e-admin", site["password"])
    models = page.locator("#content-main").inner_text()
    for name in ("Addresses", "Lettings", "Profiles", "Users"):
        assert name in models

    # Bad values: field errors, nothing saved.
    page.goto("/admin/lettings/address/add/")
    page.fill("#id_number", "12")
    page.fill("#id_street", f"Bad Street {suffix}")
    page.fill("#id_city", "Nowhere")
    page.fill("#id_zip_code", "123456")
    page.fill("#id_country_iso_code", "US")
    page.click("input[name=_save]")
    page.locator(".errorlist").first.wait_for()  # the answer to the POST, not the form it was sent from
    errors = page.locator(".errorlist").all_inner_texts()
    assert any("state" in error.lower() or "required" in error.lower() for error in errors)
    assert page.locator("#id_zip_code").input_value() == "12345"  # the field holds at most five characters
    page.goto(f"/admin/lettings/address/?q=Bad+Street+{suffix}")
    assert "0 addresses" in page.locator("#content-main").inner_text()

    # An address, a letting at it, a user and a profile.
    page.goto("/admin/lettings/address/add/")
    page.fill("#id_number", "77")
    page.fill("#id_street", f"Admin Street {suffix}")
    page.fill("#id_city", "Salem")
    page.select_option("#id_state", "MA")
    page.fill("#id_zip_code", "01970")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    page.goto("/admin/lettings/lettingpage/add/")
    page.fill("#id_title", f"Admin Letting {suffix}")
    page.select_option("#id_address", label=f"77 Admin Street {suffix}")
    page.fill("#id_summary", "Added by the CTO.")
    page.check("#id_publish")  # unticked by default: publishing here skips moderation
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    visitor = second_page
    visitor.goto(f"/lettings/admin-letting-{suffix}/")
    assert visitor.locator("h1").inner_text() == f"Admin Letting {suffix}"
    assert "77 Admin Street" in visitor.locator("address").inner_text()

    page.goto("/admin/auth/user/add/")
    page.fill("#id_username", f"guest-{suffix}")
    page.fill("#id_password1", "A-long-pass-98765")
    page.fill("#id_password2", "A-long-pass-98765")
    page.click("input[name=_save]")
    page.wait_for_url("**/change/")
    page.goto("/admin/profiles/profile/add/")
    page.select_option("#id_user", label=f"guest-{suffix}")
    page.fill("#id_favorite_city", "Lisbon")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    visitor.goto(f"/profiles/guest-{suffix}/")
    assert "Lisbon" in visitor.locator("main").inner_text()

    # Change, then delete.
    page.goto(f"/admin/lettings/lettingpage/?q={suffix}")
    page.get_by_role("link", name=f"Admin Letting {suffix}").click()
    page.fill("#id_title", f"Renamed Letting {suffix}")
    page.click("input[name=_save]")
    visitor.goto(f"/lettings/admin-letting-{suffix}/")
    assert visitor.locator("h1").inner_text() == f"Renamed Letting {suffix}"
    page.goto(f"/admin/lettings/lettingpage/?q={suffix}")
    page.get_by_role("link", name=f"Renamed Letting {suffix}").click()
    page.get_by_role("link", name="Delete", exact=True).click()
    page.click("input[type=submit]")
    assert "was deleted successfully" in page.locator(".messagelist").inner_text()
    visitor.watch.allow(f"/lettings/admin-letting-{suffix}/", 404)
    assert visitor.goto(f"/lettings/admin-letting-{suffix}/").status == 404

    page.goto(f"/admin/profiles/profile/?q=guest-{suffix}")
    page.get_by_role("link", name=f"guest-{suffix}").click()
    page.get_by_role("link", name="Delete", exact=True).click()
    page.click("input[type=submit]")
    assert "was deleted successfully" in page.locator(".messagelist").inner_text()
    for changelist, name in (("lettings/address", f"77 Admin Street {suffix}"), ("auth/user", f"guest-{suffix}")):
        page.goto(f"/admin/{changelist}/?q={suffix}")
        page.get_by_role("link", name=name).click()
        page.get_by_role("link", name="Delete", exact=True).click()
        page.click("input[type=submit]")
        assert "was deleted successfully" in page.locator(".messagelist").inner_text()
    page.watch.assert_clean()
    visitor.watch.assert_clean()
