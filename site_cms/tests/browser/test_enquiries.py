"""Enquiries end to end in a real browser: a visitor on a phone asks for dates, an editor answers it."""

import datetime

import pytest

from testing.browser import axe_violations, log_in_to_wagtail, wait_until

pytestmark = pytest.mark.system  # real processes: run once, on PostgreSQL (make test-system)


def test_a_visitor_on_a_phone_sends_an_enquiry_and_an_editor_marks_it_answered(phone_page, page, audit_page, site):
    visitor = phone_page
    visitor.goto("/lettings/joshua-tree-green-haus-w-hot-tub/")
    form = visitor.locator("form.enquiry")
    form.scroll_into_view_if_needed()
    form.get_by_label("Your name").fill("Grace Phone")  # the page's script fetches the form's start time
    wait_until(visitor, "document.querySelector('form.enquiry input[name=started]').value !== ''")
    first_of_month_after_next = (datetime.date.today().replace(day=1) + datetime.timedelta(days=62)).replace(day=1)
    form.get_by_label("Your e-mail address").fill("grace@example.com")
    form.get_by_label("Check-in").fill(f"{first_of_month_after_next:%Y-%m}-14")
    form.get_by_label("Check-out").fill(f"{first_of_month_after_next:%Y-%m}-17")
    form.get_by_label("Guests").fill("2")
    form.get_by_label("Your message").fill("We would love a quiet desert week.")
    form.get_by_label("I agree that my details are kept").check()
    visitor.wait_for_timeout(3000)  # a person takes a few seconds; faster posts count as a robot's
    form.get_by_role("button", name="Send the enquiry").click()
    visitor.wait_for_url("**/enquiries/sent/**")
    assert visitor.get_by_role("heading", level=1).inner_text() == "Thank you, Grace Phone"
    assert "3 nights" in visitor.locator("main").inner_text()
    # Accessibility of the form and of the confirmation (axe is injected where the CSP is bypassed).
    for address in ("/lettings/joshua-tree-green-haus-w-hot-tub/", visitor.url):
        audit_page.goto(address)
        assert axe_violations(audit_page) == [], address
    visitor.watch.assert_clean()

    editor = page
    log_in_to_wagtail(editor, "e2e-editor", site["password"])
    panel = editor.get_by_role("region", name="New enquiries")
    assert "1 new enquiry" in panel.inner_text()
    panel.get_by_role("link").click()
    editor.get_by_role("link", name="Grace Phone").first.click()
    editor.locator("#id_status").select_option("answered")
    editor.get_by_role("button", name="Save").click()
    editor.wait_for_url("**/cms/snippets/enquiries/enquiry/")
    editor.goto("/cms/")
    assert "0 new enquiries" in editor.get_by_role("region", name="New enquiries").inner_text()
