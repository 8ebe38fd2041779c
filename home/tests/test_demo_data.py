"""``manage.py load_demo_data``: the old site's records, demo accounts, idempotence, production refusal."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from home.demo import read_demo_data
from lettings.models import Address, LettingPage
from profiles.models import Profile

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
    assert letting.gallery_images.count() == 1
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
