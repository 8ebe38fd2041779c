"""``manage.py load_demo_data``: the old site's records, demo accounts, idempotence, production refusal."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Site

from enquiries.models import EnquirySettings
from home.demo import DemoDataLoader, read_demo_data
from home.models import HomePage
from lettings.calendar import month_starts
from lettings.models import Address, CalendarFeed, LettingPage
from pages.models import ContentPage
from profiles.models import Profile
from testing.factories import make_content_page, make_letting

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    """Run the command and return what it printed."""
    output = io.StringIO()
    call_command("load_demo_data", *args, stdout=output)
    return output.getvalue()


def snapshot() -> dict:
    """Return every value the demo data touches, to compare two runs."""
    return {
        "users": list(get_user_model().objects.order_by("username").values()),
        "profiles": list(Profile.objects.order_by("pk").values()),
        "addresses": list(Address.objects.order_by("pk").values()),
        "lettings": list(LettingPage.objects.order_by("pk").values()),
    }


def test_builds_the_old_sites_records_and_prints_logins(client, lettings_index):
    output = run("--no-photos")
    assert LettingPage.objects.live().count() == 6
    assert Address.objects.count() == 6
    assert Profile.objects.count() == 4
    assert get_user_model().objects.count() == 7  # 5 from the old site, an editor and a moderator
    assert "admin / Abc1234!" in output
    assert "editor / Editor1234!" in output
    assert client.login(username="admin", password="Abc1234!")
    assert get_user_model().objects.get(username="editor").groups.filter(name="Editors").exists()
    assert client.get("/lettings/1/")["Location"] == "/lettings/joshua-tree-green-haus-w-hot-tub/"
    assert "Underground Hygge" in client.get("/lettings/").text
    assert LettingPage.objects.get(legacy_id=6).address.zip_code == "11554"


def test_values_match_the_data_file(lettings_index):
    run("--no-photos")
    data = read_demo_data()
    for record in data["users"]:
        user = get_user_model().objects.get(username=record["username"])
        assert (user.email, user.first_name, user.last_name, user.password) == (
            record["email"],
            record["first_name"],
            record["last_name"],
            record["password"],
        )
    for record in data["lettings"]:
        letting = LettingPage.objects.get(legacy_id=record["legacy_id"])
        assert letting.title == record["title"]
        address = letting.address
        assert {field: getattr(address, field) for field in record["address"]} == record["address"]


def test_second_run_changes_nothing(lettings_index):
    run()
    before = snapshot()
    output = run()
    assert "nothing to change" in output
    assert snapshot() == before


def test_demo_photos_are_wagtail_images(client, lettings_index):
    run()
    letting = LettingPage.objects.get(legacy_id=1)
    assert list(letting.gallery_images.values_list("alt_text", flat=True)) == [
        "Illustration of Joshua Tree Green Haus /w Hot Tub",
        "Illustration of Joshua Tree Green Haus /w Hot Tub, view 2",
        "Illustration of Joshua Tree Green Haus /w Hot Tub, view 3",
    ]
    assert LettingPage.objects.get(legacy_id=2).gallery_images.count() == 1
    assert "<picture>" in client.get(letting.url).text


@override_settings(IS_PRODUCTION=True)
def test_refuses_production_unless_forced(lettings_index):
    with pytest.raises(CommandError, match="Refusing to load demo data under production settings"):
        run()
    assert not LettingPage.objects.exists()
    output = run("--force", "--no-photos")
    assert "Abc1234!" not in output
    assert "Editor1234!" not in output
    editor_line = next(line for line in output.splitlines() if " editor / " in line)
    password = editor_line.rsplit(" / ", 1)[1]
    assert get_user_model().objects.get(username="editor").check_password(password)


def test_bad_data_file_is_refused_and_writes_nothing(tmp_path, lettings_index):
    with pytest.raises(CommandError, match="not found"):
        run("--data", str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("--data", str(broken))
    data = read_demo_data()
    data["lettings"][-1]["address"]["state"] = "XYZ"
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="nothing was changed"):
        run("--data", str(invalid), "--no-photos")
    assert not LettingPage.objects.exists()
    assert not get_user_model().objects.exists()


# A second run after an editor's ordinary edits: it restores what is missing or says what it leaves alone.

GREEN_HAUS = "Joshua Tree Green Haus /w Hot Tub"


def test_letting_deleted_by_an_editor_is_restored_with_its_address(client, lettings_index):
    """Deleting a letting leaves its address (old id 1) behind: the next run gives it back to the letting."""
    run("--no-photos")
    letting = LettingPage.objects.get(legacy_id=1)
    address = letting.address
    letting.delete()
    output = run("--no-photos")
    assert "created 1 lettings, 3 booked periods." in output
    restored = LettingPage.objects.get(legacy_id=1)
    assert restored.live
    assert restored.address == address
    assert Address.objects.count() == 6
    assert client.get("/lettings/1/")["Location"] == "/lettings/joshua-tree-green-haus-w-hot-tub/"
    before = snapshot()
    assert "nothing to change" in run("--no-photos")
    assert snapshot() == before


def test_letting_recreated_by_an_editor_on_the_old_address_is_left_alone(lettings_index):
    """An editor's new letting that took the deleted letting's address is kept; the run says why it skips."""
    run("--no-photos")
    letting = LettingPage.objects.get(legacy_id=1)
    address = letting.address
    letting.delete()
    recreated = make_letting(lettings_index, title=GREEN_HAUS, address=address)
    before = snapshot()
    output = run("--no-photos")
    assert (
        f"Letting '{GREEN_HAUS}' (old id 1) not restored: its address (old id 1) now belongs to the letting "
        f"'{GREEN_HAUS}' (page {recreated.pk})"
    ) in output
    assert "nothing to change" in output
    assert snapshot() == before
    assert not LettingPage.objects.filter(legacy_id=1).exists()


def test_letting_whose_old_id_an_editor_cleared_is_left_alone(lettings_index):
    """A letting whose old-site id an editor cleared keeps its address; the run does not make a twin of it."""
    run("--no-photos")
    letting = LettingPage.objects.get(legacy_id=2)
    letting.legacy_id = None
    letting.save_revision().publish()
    before = snapshot()
    output = run("--no-photos")
    assert f"(old id 2) not restored: its address (old id 2) now belongs to the letting '{letting.title}'" in output
    assert snapshot() == before


def test_letting_recreated_with_its_old_id_is_left_alone(lettings_index):
    """An editor's letting that holds the old id now is the letting: nothing is added beside it."""
    run("--no-photos")
    LettingPage.objects.get(legacy_id=1).delete()
    make_letting(lettings_index, title="A new Green Haus", legacy_id=1)
    before = snapshot()
    assert "nothing to change" in run("--no-photos")
    assert snapshot() == before


def test_deleted_letting_whose_slug_was_taken_is_restored_beside_it(client, lettings_index):
    """When another letting holds the slug of a deleted one, the restored letting gets the next free slug."""
    run("--no-photos")
    letting = LettingPage.objects.get(legacy_id=1)
    address = letting.address
    letting.delete()
    address.delete()
    make_letting(lettings_index, title="Another house", slug="joshua-tree-green-haus-w-hot-tub")
    output = run("--no-photos")
    assert "created 1 addresses, 1 lettings, 3 booked periods." in output
    assert (
        f"Letting '{GREEN_HAUS}' (old id 1) restored with the slug joshua-tree-green-haus-w-hot-tub-2: "
        "another page holds joshua-tree-green-haus-w-hot-tub."
    ) in output
    assert client.get("/lettings/1/")["Location"] == "/lettings/joshua-tree-green-haus-w-hot-tub-2/"


def test_deleted_address_is_restored(lettings_index):
    """A letting and its address both deleted come back, the address with its old id."""
    run("--no-photos")
    letting = LettingPage.objects.get(legacy_id=3)
    address = letting.address
    letting.delete()
    address.delete()
    run("--no-photos")
    assert LettingPage.objects.get(legacy_id=3).address.legacy_id == 3
    assert Address.objects.count() == 6


def test_renamed_slug_and_edited_address_are_left_alone(client, lettings_index):
    """An editor's new slug and address changes survive a second run, which changes nothing."""
    run("--no-photos")
    letting = LettingPage.objects.get(legacy_id=1)
    letting.slug = "green-haus"
    letting.save_revision().publish()
    Address.objects.filter(legacy_id=2).update(city="Cleveland")
    before = snapshot()
    assert "nothing to change" in run("--no-photos")
    assert snapshot() == before
    assert client.get("/lettings/1/")["Location"] == "/lettings/green-haus/"


def test_deleted_profile_and_user_are_restored(client, lettings_index):
    """A deleted profile, and a deleted user (with their profile), come back with the old site's values."""
    run("--no-photos")
    Profile.objects.get(user__username="DavWin").delete()
    get_user_model().objects.get(username="AirWow").delete()
    get_user_model().objects.get(username="admin").delete()
    output = run("--no-photos")
    assert "created 2 users, 2 profiles." in output
    assert Profile.objects.get(user__username="AirWow").favorite_city == "Budapest"
    assert Profile.objects.get(user__username="DavWin").favorite_city == "Barcelona"
    assert client.login(username="admin", password="Abc1234!")


def test_deleted_group_and_account_are_restored(client, lettings_index):
    """A deleted Editors group and editor account come back together, the group with its permissions."""
    run("--no-photos")
    get_user_model().objects.filter(username="editor").delete()
    Group.objects.filter(name="Editors").delete()
    output = run("--no-photos")
    assert "editor / Editor1234!" in output
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="access_admin").exists()
    assert get_user_model().objects.get(username="editor").groups.filter(name="Editors").exists()
    assert client.login(username="editor", password="Editor1234!")
    assert client.get("/cms/").status_code == 200


def test_failure_midway_writes_nothing_and_shows_no_traceback(lettings_index, monkeypatch):
    """A database error part-way through is reported as a refusal, and the run's writes are all rolled back."""
    run("--no-photos")
    for legacy_id in (2, 5):
        LettingPage.objects.get(legacy_id=legacy_id).delete()
    before = snapshot()
    calls = []
    original = DemoDataLoader._add_photo

    def fail_on_second(self, letting, colour, number=0):
        calls.append(letting)
        if len(calls) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")
        return original(self, letting, colour, number)

    monkeypatch.setattr(DemoDataLoader, "_add_photo", fail_on_second)
    with pytest.raises(CommandError, match="Demo data not loaded, nothing was changed: duplicate key value"):
        run()
    assert len(calls) == 2
    assert snapshot() == before


def test_an_unpublished_listing_or_a_draft_is_not_published_by_a_second_run(client, lettings_index, profiles_index):
    run("--no-photos")
    profiles_index.intro = ""
    profiles_index.save_revision().publish()
    profiles_index.unpublish()
    lettings_index.intro = ""
    lettings_index.save_revision().publish()
    lettings_index.title = "Homes (draft)"
    lettings_index.save_revision()  # a draft the editor has not published yet

    run("--no-photos")

    assert client.get("/profiles/").status_code == 404
    lettings_index.refresh_from_db()
    assert (lettings_index.title, lettings_index.intro, lettings_index.has_unpublished_changes) == (
        "Lettings",
        "",
        True,
    )


def test_a_letting_whose_address_a_draft_names_is_left_out_with_a_note(lettings_index):
    run("--no-photos")
    address = LettingPage.objects.get(legacy_id=2).address
    LettingPage.objects.get(legacy_id=2).delete()
    other = LettingPage.objects.get(legacy_id=3)
    other.address = address
    other.save_revision()  # a draft, not published: the live letting keeps its own address

    output = run("--no-photos")

    assert not LettingPage.objects.filter(legacy_id=2).exists()
    assert f"now belongs to the letting {other.title!r}" in output
    assert LettingPage.objects.live().count() == 5


def test_the_demo_lettings_have_facts_amenities_a_place_and_booked_nights(client, lettings_index):
    output = run("--no-photos")
    assert "10 amenities" in output
    joshua = LettingPage.objects.get(legacy_id=1)
    assert (joshua.address.state, joshua.sleeps, joshua.price_per_night) == ("GA", 4, 165)
    assert "Hot tub" in [amenity.name for amenity in joshua.amenities.all()]
    assert joshua.address.has_coordinates
    assert joshua.booked_periods.count() == 3
    assert LettingPage.objects.get(legacy_id=6).price_per_night is None  # price on request
    page = client.get(joshua.url).text
    assert "from $165 / night" in page
    assert "availability__taken" in page


# A live server needs committed data; the rollback restores the page tree the migrations made, for the tests after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_demo_letting_imports_its_other_channel_from_a_feed_the_site_serves(live_server):
    # Wagtail's migrations made the default site; the demo's feed URL is built on its root URL.
    port = int(live_server.url.rsplit(":", 1)[1])
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=port)
    HomePage.objects.get()  # the migrations' home page is there for the demo's listings
    run("--no-photos")
    feed = CalendarFeed.objects.get()
    assert feed.letting.title == "Underground Hygge"
    assert feed.url == f"http://localhost:{port}/demo/calendars/6.ics"

    output = io.StringIO()
    call_command("sync_calendars", stdout=output)

    feed.refresh_from_db()
    assert feed.last_error == ""
    assert feed.imported_periods == 2
    today = timezone.localdate()
    expected = [
        (month_starts(today, months + 1)[-1].replace(day=first), month_starts(today, months + 1)[-1].replace(day=last))
        for months, first, last in read_demo_data()["lettings"][-1]["channel_feed"]["booked"]
    ]
    assert list(feed.periods.order_by("start").values_list("start", "end")) == expected
    assert set(feed.periods.values_list("source", flat=True)) == {"airbnb"}


def test_booked_days_exist_in_every_month_so_the_demo_loads_in_february_too():
    data = read_demo_data()
    days = [
        day
        for record in data["lettings"]
        for booking in record.get("booked", []) + record.get("channel_feed", {}).get("booked", [])
        for day in booking[1:]
    ]
    assert days
    assert max(days) <= 28


def test_the_demo_channel_feed_answers_only_for_a_demo_letting_that_has_one(client, lettings_index):
    assert client.get("/demo/calendars/6.ics").status_code == 404  # no demo loaded: no demo feed either
    run("--no-photos")
    assert client.get("/demo/calendars/6.ics")["Content-Type"] == "text/calendar"
    assert client.get("/demo/calendars/06.ics").status_code == 404  # one URL per feed
    assert client.get("/demo/calendars/1.ics").status_code == 404  # the Joshua Tree home keeps its calendar here
    assert client.get("/demo/calendars/99.ics").status_code == 404
    assert client.post("/demo/calendars/6.ics").status_code == 405


def test_publishes_a_privacy_notice_the_enquiry_form_links_once(client, lettings_index):
    """The demo's enquiry form links a real notice; a second run adds no second notice."""
    run("--no-photos")
    notice = ContentPage.objects.get()
    assert (notice.title, notice.url, notice.live) == ("Privacy notice", "/privacy/", True)
    assert EnquirySettings.load().privacy_page_id == notice.pk
    letting = LettingPage.objects.get(legacy_id=1)
    assert 'href="/privacy/">Read the privacy notice' in client.get(letting.url).text
    run("--no-photos")
    assert ContentPage.objects.count() == 1


def test_an_editors_own_privacy_notice_stands(lettings_index):
    """A notice the editors chose stays the form's; a page of another kind on /privacy/ is noted, not replaced."""
    own = make_content_page("Our privacy policy", slug="our-privacy")
    EnquirySettings.objects.update_or_create(pk=EnquirySettings.load().pk, defaults={"privacy_page": own})
    run("--no-photos")
    assert EnquirySettings.load().privacy_page_id == own.pk
    assert ContentPage.objects.filter(slug="privacy").live().count() == 1  # published, though not chosen

    ContentPage.objects.filter(slug="privacy").delete()
    lettings_index.slug = "privacy"  # an odd editor: the listing took the notice's address
    lettings_index.save_revision().publish()
    output = run("--no-photos")
    assert "No privacy notice published: the page 'Lettings'" in output
    assert not ContentPage.objects.filter(slug="privacy").exists()
