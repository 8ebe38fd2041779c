"""A visitor's journeys, accessibility (axe-core, WCAG 2.1 A and AA) and keyboard use, in a real browser."""

import datetime
import json

import pytest

from testing.browser import AXE, axe_violations, wait_until

pytestmark = pytest.mark.system  # real processes: run once, on PostgreSQL (make test-system)

PUBLIC_PAGES = [
    "/",
    "/lettings/",
    "/lettings/oceanview-retreat/",
    "/profiles/",
    "/profiles/AirWow/",
    "/privacy/",  # a content page
    "/search/?q=brunswick",
    "/no-such-page/",
    "/lettings/?state=GA&guests=4&pets=1&sort=-price",  # active filters as chips
    "/lettings/?check_in=2020-01-01&check_out=2020-01-02&guests=0",  # errors next to their fields
]


def images_loaded(page) -> bool:
    """Return whether every image in the main content has loaded with real pixels."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('main img:not(.lightbox__image)'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )


def test_visitor_journey(any_page):
    page = any_page
    page.goto("/")
    assert page.locator("h1").inner_text() == "Welcome to Holiday Homes"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lettings").click()
    page.wait_for_url("**/lettings/")
    titles = page.locator(".card__title").all_inner_texts()
    assert {"Oceanview Retreat", "Underground Hygge", "'Silo Studio' Cottage"} <= set(titles)
    page.get_by_role("link", name="Oceanview Retreat").click()
    page.wait_for_url("**/lettings/oceanview-retreat/")
    address = page.locator("address").inner_text()
    assert "4 Military Street" in address
    assert "Willoughby, OH 44094" in address
    page.locator(".gallery__list img").first.scroll_into_view_if_needed()
    wait_until(
        page,
        "Array.from(document.querySelectorAll('.gallery__list img')).every(i => i.complete && i.naturalWidth > 0)",
    )
    page.go_back()
    page.wait_for_url("**/lettings/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profiles").click()
    page.get_by_role("link", name="AirWow").click()
    page.wait_for_url("**/profiles/AirWow/")
    assert "Budapest" in page.locator("main").inner_text()

    search = page.get_by_role("search", name="Site").get_by_role("searchbox")
    search.fill("Brunswick")
    search.press("Enter")
    page.wait_for_url("**/search/?q=Brunswick")
    page.locator(".search-results").get_by_role("link", name="Joshua Tree Green Haus /w Hot Tub").click()
    page.wait_for_url("**/lettings/joshua-tree-green-haus-w-hot-tub/")

    page.goto("/lettings/")
    page.select_option("#id_state", "GA")
    page.get_by_role("button", name="Show lettings").click()
    page.wait_for_url("**/lettings/?*state=GA*")
    assert "Joshua Tree Green Haus /w Hot Tub" in page.locator(".card__title").all_inner_texts()
    assert all(place.endswith(", GA") for place in page.locator(".card__meta").all_inner_texts())
    assert "Oceanview Retreat" not in page.locator("main").inner_text()

    page.watch.allow("/lettings/no-such-letting/", 404)
    response = page.goto("/lettings/no-such-letting/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"

    page.goto("/lettings/2/")
    assert page.url.endswith("/lettings/oceanview-retreat/")
    assert images_loaded(page)
    page.watch.assert_clean()


def test_a_visitor_on_a_phone_finds_a_georgia_home_for_four_with_a_hot_tub_and_sees_its_calendar(phone_page):
    page = phone_page
    page.goto("/lettings/")
    first_of_next_month = (datetime.date.today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    next_month = f"{first_of_next_month:%Y-%m}"
    year = f", {first_of_next_month.year}" if first_of_next_month.year != datetime.date.today().year else ""
    filters = page.get_by_role("form", name="Find a home")
    filters.get_by_label("Check-in").fill(f"{next_month}-12")
    filters.get_by_label("Check-out").fill(f"{next_month}-15")
    filters.get_by_label("Guests").fill("4")
    filters.get_by_label("Price per night up to ($)").fill("200")
    filters.get_by_label("State").select_option(label="Georgia")
    filters.get_by_label("Hot tub").check()
    filters.get_by_role("button", name="Show lettings").click()
    page.wait_for_url("**/lettings/?*guests=4*")

    assert page.locator(".card__title").all_inner_texts() == ["Joshua Tree Green Haus /w Hot Tub"]
    chips = page.get_by_role("list", name="Active filters").get_by_role("link")
    assert [chip.get_attribute("aria-label") for chip in chips.all()][:5] == [
        "Remove filter: " + label
        for label in (
            f"{first_of_next_month:%b} 12{year} to {first_of_next_month:%b} 15{year}",
            "4 guests",
            "Up to $200 a night",
            "Hot tub",
            "Georgia",
        )
    ]
    assert page.locator(".card__price").all_inner_texts() == ["from $165 / night"]

    page.get_by_role("link", name="Joshua Tree Green Haus /w Hot Tub").click()
    page.wait_for_url("**/lettings/joshua-tree-green-haus-w-hot-tub/")
    availability = page.get_by_role("region", name="Availability")
    availability.scroll_into_view_if_needed()
    assert availability.is_visible()
    months = availability.locator("table caption").all_inner_texts()
    assert len(months) == 3
    next_month_table = availability.locator("table").nth(1)
    taken = next_month_table.locator("td.availability__taken").all_inner_texts()
    assert [day.split()[0] for day in taken] == ["2", "3", "4", "20", "21", "22", "23"]
    # Under the site's real Content-Security-Policy, the photo viewer's script runs on a phone too.
    photo = page.locator(".gallery__open").first
    photo.scroll_into_view_if_needed()
    photo.click()
    assert page.get_by_role("dialog").is_visible()
    page.get_by_role("dialog").get_by_role("button", name="Close").click()
    page.go_back()
    page.wait_for_url("**/lettings/?*")
    page.get_by_role("link", name="Remove filter: Hot tub").click()
    page.wait_for_url("**/lettings/?*")
    assert "amenity" not in page.url
    assert "guests=4" in page.url
    page.watch.assert_clean()


def test_the_photos_open_large_and_the_viewer_works_with_the_keyboard(audit_page):
    page = audit_page
    page.goto("/lettings/joshua-tree-green-haus-w-hot-tub/")
    links = page.locator(".gallery__open")
    assert links.count() == 3
    assert links.first.get_attribute("href").endswith(".jpg")  # without JavaScript the link opens the photo
    links.first.scroll_into_view_if_needed()
    links.first.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible()
    assert (
        dialog.get_by_role("heading").inner_text() == "Photo 1 of 3: Illustration of Joshua Tree Green Haus /w Hot Tub"
    )
    assert page.evaluate("document.activeElement.className") == "lightbox__close"
    wait_until(page, "document.querySelector('.lightbox__image').naturalWidth >= 1200")
    shown = page.locator(".lightbox__image").bounding_box()
    assert abs(shown["width"] / shown["height"] - 1.5) < 0.02  # the 3:2 photo keeps its shape
    box = dialog.bounding_box()
    page.mouse.click(box["x"] + 3, box["y"] + box["height"] - 3)  # the dialog's own padding
    assert dialog.is_visible()
    assert axe_violations(page) == []

    page.keyboard.press("ArrowRight")
    assert dialog.get_by_role("heading").inner_text().startswith("Photo 2 of 3")
    dialog.get_by_role("button", name="Next photo").click()
    assert dialog.get_by_role("heading").inner_text().startswith("Photo 3 of 3")
    page.keyboard.press("ArrowRight")  # round to the first
    assert dialog.get_by_role("heading").inner_text().startswith("Photo 1 of 3")
    dialog.get_by_role("button", name="Previous photo").click()
    assert page.locator(".lightbox__image").get_attribute("alt").endswith("view 3")

    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('gallery__open')")  # focus back on the photo
    links.nth(1).click()
    assert dialog.get_by_role("heading").inner_text().startswith("Photo 2 of 3")
    page.mouse.click(2, 2)  # the backdrop
    assert not dialog.is_visible()
    page.watch.assert_clean()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_accessibility_violations(audit_page, path):
    page = audit_page
    assert AXE.exists(), "axe-core is missing: run 'npm ci' (make install-dev does)"
    page.watch.allow(path, 404)
    page.goto(path)
    result = axe_violations(page)
    assert result == [], json.dumps(result, indent=2)
    page.watch.assert_clean()


@pytest.mark.parametrize("path", ["/", "/lettings/", "/lettings/oceanview-retreat/", "/search/?q=ohio"])
def test_keyboard_alone_skip_link_first_and_visible_focus(page, path):
    page.goto(path)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    wait_until(page, "location.hash === '#main' && document.activeElement.id === 'main'")
    # From the top again, Tab through the whole page: every control that takes the focus shows an outline.
    page.goto(path)
    visited = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; })()"
        )
        if style[0] == "BODY":
            break
        visited += 1
        assert style[1] != "none", style
        assert style[2] != "0px", style
    assert visited >= 6  # skip link, brand, three menu links, search box and button at least


def test_lettings_filter_form_works_with_the_keyboard(page):
    page.goto("/lettings/")
    page.focus("#id_state")
    page.keyboard.type("Ohio")
    page.focus("#id_city")
    page.keyboard.type("Willoughby")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lettings/?state=OH&city=Willoughby")  # the empty fields are left out of the address
    assert page.locator(".card__title").all_inner_texts() == ["Oceanview Retreat"]
