"""``manage.py import_legacy``: the real old database, both layouts, re-runs, conflicts and bad input."""

import io
import os
import re
import sqlite3
import subprocess
from datetime import UTC
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils.dateparse import parse_datetime
from django.utils.timezone import make_aware

from legacy.importer import LegacyImport
from lettings.models import Address, LettingPage
from profiles.models import Profile

from .builders import ADDRESSES, LETTINGS, PROFILES, USERS, RawText, build_legacy_db, with_cells

pytestmark = pytest.mark.django_db

LEGACY_FILE = Path("shared") / "legacy" / "oc-lettings-site.sqlite3"


def real_database() -> Path:
    """Return where the old site's database is: ``LEGACY_DATABASE``, else ``shared/`` beside the checkout.

    A clone of a local checkout (``git clone . /tmp/x``, as a newcomer's first check in a fresh clone does) has
    no ``shared/`` beside it, so ``shared/`` beside the checkout it was cloned from counts too.
    """
    if "LEGACY_DATABASE" in os.environ:
        return Path(os.environ["LEGACY_DATABASE"])
    checkout = Path(__file__).resolve().parents[2]
    candidates = [checkout.parent / LEGACY_FILE]
    origin = subprocess.run(
        ["git", "-C", str(checkout), "config", "--get", "remote.origin.url"], capture_output=True, text=True
    ).stdout.strip()
    if origin and Path(origin).is_dir():
        candidates.append(Path(origin).resolve().parent / LEGACY_FILE)
    return next((path for path in candidates if path.is_file()), candidates[0])


REAL_DATABASE = real_database()


def run(*args) -> str:
    """Run the import and return what it printed."""
    output = io.StringIO()
    call_command("import_legacy", *map(str, args), stdout=output)
    return output.getvalue()


def snapshot() -> dict:
    """Return every value the import can write."""
    return {
        "users": list(get_user_model().objects.order_by("username").values()),
        "profiles": list(Profile.objects.order_by("pk").values()),
        "addresses": list(Address.objects.order_by("pk").values()),
        "lettings": list(LettingPage.objects.order_by("pk").values("pk", "title", "address_id", "legacy_id", "live")),
    }


def refused(*args) -> str:
    """Run an import that must fail with exit status 1, check it wrote nothing, and return its message."""
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert raised.value.returncode == 1
    assert snapshot() == before
    return str(raised.value)


def source_rows(path: Path, query: str) -> list[sqlite3.Row]:
    """Return rows of the source database."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def as_utc(value):
    """Return an old-site timestamp as the aware datetime the import must store."""
    return None if value is None else make_aware(parse_datetime(value), UTC)


def test_real_database_arrives_whole_and_equal(client, lettings_index):
    assert REAL_DATABASE.is_file(), f"The old site's database is not at {REAL_DATABASE}: set LEGACY_DATABASE."
    run(REAL_DATABASE)
    assert (LettingPage.objects.live().count(), Address.objects.count()) == (6, 6)
    # The old site knew no facts, amenities, coordinates or bookings: they stay empty.
    assert not LettingPage.objects.filter(price_per_night__isnull=False).exists()
    assert not LettingPage.objects.filter(amenities__isnull=False).exists()
    assert not Address.objects.filter(latitude__isnull=False).exists()
    assert (get_user_model().objects.count(), Profile.objects.count()) == (5, 4)
    for row in source_rows(REAL_DATABASE, "SELECT * FROM auth_user"):
        user = get_user_model().objects.get(username=row["username"])
        assert user.password == row["password"]
        assert (user.first_name, user.last_name, user.email) == (row["first_name"], row["last_name"], row["email"])
        assert (user.is_active, user.is_staff, user.is_superuser) == (
            bool(row["is_active"]),
            bool(row["is_staff"]),
            bool(row["is_superuser"]),
        )
        assert user.date_joined == as_utc(row["date_joined"])
        assert user.last_login == as_utc(row["last_login"])
    for row in source_rows(
        REAL_DATABASE,
        "SELECT p.favorite_city, u.username FROM oc_lettings_site_profile p JOIN auth_user u ON u.id = p.user_id",
    ):
        assert Profile.objects.get(user__username=row["username"]).favorite_city == row["favorite_city"]
    for row in source_rows(REAL_DATABASE, "SELECT * FROM oc_lettings_site_address"):
        address = Address.objects.get(legacy_id=row["id"])
        assert (address.number, address.street, address.city, address.state) == (
            row["number"],
            row["street"],
            row["city"],
            row["state"],
        )
        assert address.zip_code == f"{row['zip_code']:05d}"
        assert address.country_iso_code == row["country_iso_code"]
    for row in source_rows(REAL_DATABASE, "SELECT * FROM oc_lettings_site_letting"):
        letting = LettingPage.objects.get(legacy_id=row["id"])
        assert letting.title == row["title"]
        assert letting.address.legacy_id == row["address_id"]
        assert letting.live
        assert client.get(f"/lettings/{row['id']}/")["Location"] == letting.url
    assert client.login(username="admin", password="Abc1234!")


@pytest.mark.parametrize("layout", ["monolithic", "split"])
def test_both_layouts_import(tmp_path, lettings_index, layout):
    output = run(build_legacy_db(tmp_path / "old.sqlite3", layout))
    assert f"({layout} layout)" in output
    assert LettingPage.objects.get(legacy_id=2).address.zip_code == "02134"
    assert Profile.objects.get(user__username="guest").favorite_city == "Berlin"
    assert get_user_model().objects.get(username="boss").is_superuser


def test_second_run_changes_nothing_and_says_so(tmp_path, lettings_index):
    database = build_legacy_db(tmp_path / "old.sqlite3")
    run(database)
    before = snapshot()
    output = run(database)
    assert "Nothing to import" in output
    assert re.search(r"lettings\s+0\s+2\s+0\s+0\s+0", output)
    assert snapshot() == before


def test_conflicts_are_reported_and_left_alone_unless_update(tmp_path, lettings_index):
    database = build_legacy_db(tmp_path / "old.sqlite3")
    run(database)
    get_user_model().objects.filter(username="guest").update(email="changed@example.com")
    Address.objects.filter(legacy_id=1).update(city="Savannah")
    output = run(database)
    assert "Conflict, left alone" in output
    assert "Conflict, left alone (use --update to overwrite): users guest: email differs" in output
    assert "Conflict, left alone (use --update to overwrite): addresses address #1: city differs" in output
    assert "changed@example.com" not in output
    assert "gus@example.com" not in output
    assert get_user_model().objects.get(username="guest").email == "changed@example.com"
    assert Address.objects.get(legacy_id=1).city == "Savannah"

    output = run(database, "--update")
    assert get_user_model().objects.get(username="guest").email == "gus@example.com"
    assert Address.objects.get(legacy_id=1).city == "Brunswick"
    assert re.search(r"addresses\s+0\s+1\s+1\s+0\s+0", output)


def test_letting_title_conflict_is_updated_and_republished(tmp_path, lettings_index):
    database = build_legacy_db(tmp_path / "old.sqlite3")
    run(database)
    letting = LettingPage.objects.get(legacy_id=1)
    letting.title = "Renamed"
    letting.save_revision().publish()
    run(database, "--update")
    letting.refresh_from_db()
    assert letting.title == "Green Haus"
    assert letting.live


def test_dry_run_writes_nothing(tmp_path, lettings_index):
    before = snapshot()
    output = run(build_legacy_db(tmp_path / "old.sqlite3"), "--dry-run")
    assert "would be handled" in output
    assert "Dry run: nothing was written." in output
    assert snapshot() == before


def test_missing_file(tmp_path, lettings_index):
    assert "no such file" in refused(tmp_path / "missing.sqlite3")


def test_file_that_is_not_sqlite(tmp_path, lettings_index):
    text = tmp_path / "notes.sqlite3"
    text.write_text("hello, this is not a database" * 100)
    assert "is not an SQLite database" in refused(text)


def test_empty_database_names_the_expected_tables(tmp_path, lettings_index):
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    message = refused(empty)
    assert "it has none of them" in message
    assert "lettings_address, lettings_letting, profiles_profile, auth_user (split layout)" in message
    assert "oc_lettings_site_address" in message


def test_half_migrated_database(tmp_path, lettings_index):
    half = build_legacy_db(tmp_path / "half.sqlite3", skip_tables=("profiles_profile",))
    assert "it has auth_user, lettings_address, lettings_letting only" in refused(half)


def test_table_missing_a_column(tmp_path, lettings_index):
    database = tmp_path / "columns.sqlite3"
    build_legacy_db(database)
    connection = sqlite3.connect(database)
    with connection:
        connection.execute("ALTER TABLE lettings_address DROP COLUMN zip_code")
    connection.close()
    assert "table lettings_address lacks the column(s) zip_code" in refused(database)


@pytest.mark.parametrize(
    ("addresses", "lettings", "expected"),
    [
        (
            [(1, 7217, "Bedford Street", "Brunswick", "GAX", 31525, "USA"), ADDRESSES[1]],
            LETTINGS,
            "lettings_address row id=1: state:",
        ),
        (
            [(1, 7217, "Bedford Street", "Brunswick", "GA", 123456, "USA"), ADDRESSES[1]],
            LETTINGS,
            "lettings_address row id=1: zip_code:",
        ),
        (
            [(1, 0, "Bedford Street", "Brunswick", "GA", 31525, "USA"), ADDRESSES[1]],
            LETTINGS,
            "lettings_address row id=1: number: The street number must be at least 1.",
        ),
        (
            ADDRESSES,
            [(1, "Green Haus", 1), (2, "Lost", 99)],
            "lettings_letting row id=2: address 99 is missing from lettings_address",
        ),
        (
            ADDRESSES,
            [(1, "Green Haus", 1), (2, "Twin", 1)],
            "lettings_letting row id=2: address 1 already belongs to another letting",
        ),
        (ADDRESSES, [(1, "x" * 256, 1)], "lettings_letting row id=1: title: must be 1 to 255 characters"),
    ],
)
def test_rows_that_break_the_rules_are_named(tmp_path, lettings_index, addresses, lettings, expected):
    database = build_legacy_db(tmp_path / "bad.sqlite3", addresses=addresses, lettings=lettings)
    message = refused(database)
    assert "Import refused, nothing was written" in message
    assert expected in message


def test_profile_of_a_missing_user_is_named(tmp_path, lettings_index):
    database = build_legacy_db(tmp_path / "bad.sqlite3", profiles=[(7, "Rome", 42)])
    assert "profiles_profile row id=7: user 42 is missing or rejected" in refused(database)


def test_bad_user_row_is_named(tmp_path, lettings_index):
    users = [USERS[0], (2, "hash", None, 0, "bad name!", "", "not-an-email", 0, 1, "2020-06-14 09:44:05", "")]
    message = refused(build_legacy_db(tmp_path / "bad.sqlite3", users=users, profiles=[]))
    assert "auth_user row id=2: username:" in message
    assert "email:" in message


def test_both_layouts_holding_lettings_is_ambiguous(tmp_path, lettings_index):
    database = build_legacy_db(tmp_path / "both.sqlite3", "split")
    monolithic = build_legacy_db(tmp_path / "mono.sqlite3", "monolithic")
    connection = sqlite3.connect(database)
    with connection:
        connection.execute(f"ATTACH DATABASE '{monolithic}' AS mono")
        for table in ("oc_lettings_site_address", "oc_lettings_site_letting", "oc_lettings_site_profile"):
            connection.execute(f"CREATE TABLE {table} AS SELECT * FROM mono.{table}")
    connection.close()
    assert "holds lettings in both layouts" in refused(database)


def test_failure_midway_rolls_everything_back(tmp_path, lettings_index, monkeypatch):
    calls = []
    original = LegacyImport._write_letting

    def fail_on_second(self, step, address):
        calls.append(step)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, step, address)

    monkeypatch.setattr(LegacyImport, "_write_letting", fail_on_second)
    message = refused(build_legacy_db(tmp_path / "old.sqlite3"))
    assert "rolled back" in message
    assert "disk full" in message
    assert len(calls) == 2
    assert not get_user_model().objects.exists()
    assert not Address.objects.exists()


# The importer trusts nothing: typed columns are parsed strictly, and damaged rows are named before any write.

GUEST = USERS[1]


@pytest.mark.parametrize(
    ("spelled", "meaning"),
    [
        ("false", False),
        ("FALSE", False),
        ("f", False),
        ("No", False),
        (0, False),
        ("true", True),
        ("True", True),
        ("T", True),
        ("YES", True),
        (1, True),
    ],
)
def test_boolean_text_means_what_it_says(tmp_path, lettings_index, spelled, meaning):
    """'false', 'f', 'no' (any case) are false, and 'true', 't', 'yes' true: not every non-empty text true."""
    guest = with_cells("user", GUEST, is_active=spelled, is_staff=spelled, is_superuser=spelled)
    run(build_legacy_db(tmp_path / "old.sqlite3", users=[USERS[0], guest]))
    user = get_user_model().objects.get(username="guest")
    assert (user.is_active, user.is_staff, user.is_superuser) == (meaning, meaning, meaning)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("maybe", "'maybe'"),
        ("", "''"),
        (" true", "' true'"),
        (2, "2"),
        (-1, "-1"),
        (0.5, "0.5"),
        (None, "NULL"),
        (b"\x01", "a BLOB of 1 byte"),
        (RawText(b"\xff"), "b'\\xff'"),
    ],
)
def test_unknown_boolean_refuses_the_row(tmp_path, lettings_index, value, shown):
    """Anything but 0/1, true/false, t/f, yes/no refuses the row, naming table, id, column and value."""
    guest = with_cells("user", GUEST, is_staff=value)
    database = build_legacy_db(tmp_path / "bad.sqlite3", users=[USERS[0], guest], loose=True)
    for args in ((database, "--dry-run"), (database,)):
        message = refused(*args)
        assert f"auth_user row id=2: is_staff: {shown} is not a boolean" in message
    assert "profiles_profile row id=1: user 2 is missing or rejected" in message


@pytest.mark.parametrize(
    ("kind", "cells", "expected"),
    [
        ("address", {"number": "twelve"}, "lettings_address row id=2: number: 'twelve' is not a whole number"),
        ("address", {"number": "١٢"}, "lettings_address row id=2: number: '١٢' is not a whole number"),
        ("address", {"zip_code": 2134.5}, "lettings_address row id=2: zip_code: 2134.5 is not a whole number"),
        ("address", {"id": "two"}, "lettings_address row id='two': id: 'two' is not a whole number"),
        ("address", {"id": -2}, "lettings_address row id=-2: id: -2 is not a whole number from 0 to 2147483647"),
        ("letting", {"address_id": "two"}, "lettings_letting row id=2: address_id: 'two' is not a whole number"),
        ("letting", {"id": 2**31}, f"lettings_letting row id={2**31}: id: {2**31} is not a whole number from 0"),
        ("profile", {"user_id": 2.5}, "profiles_profile row id=1: user_id: 2.5 is not a whole number"),
        ("user", {"id": None}, "auth_user row id=NULL: id: NULL is not a whole number"),
        ("address", {"zip_code": "2134A"}, "lettings_address row id=2: zip_code: Enter a five-digit ZIP code"),
        ("address", {"street": None}, "lettings_address row id=2: street: This field cannot be blank."),
    ],
)
def test_bad_number_or_missing_value_refuses_the_row(tmp_path, lettings_index, kind, cells, expected):
    """A whole-number column holding anything else refuses the row before anything is written, even in a dry run."""
    rows = {"user": [*USERS], "address": [*ADDRESSES], "letting": [*LETTINGS], "profile": [*PROFILES]}
    rows[kind][-1] = with_cells(kind, rows[kind][-1], **cells)
    database = build_legacy_db(
        tmp_path / "bad.sqlite3",
        users=rows["user"],
        addresses=rows["address"],
        lettings=rows["letting"],
        profiles=rows["profile"],
        loose=True,
    )
    assert expected in refused(database, "--dry-run")
    assert expected in refused(database)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"date_joined": "yesterday"}, "auth_user row id=2: date_joined: a hidden value is not a date and time"),
        ({"date_joined": None}, "auth_user row id=2: date_joined: NULL is not a date and time"),
        ({"date_joined": 1592127845}, "auth_user row id=2: date_joined: a hidden value is not a date and time"),
        (
            {"last_login": "2020-02-30 10:00:00"},
            "auth_user row id=2: last_login: a hidden value is not a date and time",
        ),
        (
            {"date_joined": "0001-01-01 00:30:00+01:00"},
            "auth_user row id=2: date_joined: a hidden value is out of range in UTC",
        ),
    ],
)
def test_bad_timestamp_refuses_the_row(tmp_path, lettings_index, cells, expected):
    """A timestamp column holding anything but a real date and time names the column and the value."""
    users = [USERS[0], with_cells("user", GUEST, **cells)]
    assert expected in refused(build_legacy_db(tmp_path / "bad.sqlite3", users=users, loose=True))


def _damaged(tmp_path, kind: str, **cells) -> Path:
    """Build an otherwise good database whose last row of ``kind`` has some cells replaced."""
    rows = {"user": [*USERS], "address": [*ADDRESSES], "letting": [*LETTINGS], "profile": [*PROFILES]}
    rows[kind][-1] = with_cells(kind, rows[kind][-1], **cells)
    return build_legacy_db(
        tmp_path / "damaged.sqlite3",
        users=rows["user"],
        addresses=rows["address"],
        lettings=rows["letting"],
        profiles=rows["profile"],
        loose=True,
    )


@pytest.mark.parametrize(
    ("kind", "cells", "expected"),
    [
        ("user", {"username": RawText(b"gu\xe9st")}, "auth_user row id=2: username: b'gu\\xe9st' is not valid UTF-8"),
        ("user", {"email": RawText(b"\xff@example.com")}, "auth_user row id=2: email: a hidden value is not valid"),
        ("address", {"city": RawText(b"Bost\xf6n")}, "lettings_address row id=2: city: b'Bost\\xf6n' is not valid"),
        ("letting", {"title": RawText(b"Flat \xc3")}, "lettings_letting row id=2: title: b'Flat \\xc3' is not valid"),
        ("profile", {"favorite_city": RawText(b"\x80")}, "profiles_profile row id=1: favorite_city: b'\\x80' is not"),
    ],
)
def test_invalid_utf8_is_named_without_a_traceback(tmp_path, lettings_index, kind, cells, expected):
    """Text that is not UTF-8 is found in the planning pass (dry run too) and named, instead of crashing."""
    database = _damaged(tmp_path, kind, **cells)
    assert expected in refused(database, "--dry-run")
    assert expected in refused(database)


@pytest.mark.parametrize(
    ("kind", "cells", "expected"),
    [
        ("user", {"password": b"hash"}, "auth_user row id=2: password: a BLOB of 4 bytes is not text"),
        ("address", {"street": b"Main Street"}, "lettings_address row id=2: street: a BLOB of 11 bytes is not text"),
        ("letting", {"title": b"\x00\x01"}, "lettings_letting row id=2: title: a BLOB of 2 bytes is not text"),
    ],
)
def test_blob_in_a_text_column_is_named(tmp_path, lettings_index, kind, cells, expected):
    """A BLOB where text belongs refuses the row; it never arrives as "b'...'" text."""
    database = _damaged(tmp_path, kind, **cells)
    assert expected in refused(database, "--dry-run")
    assert expected in refused(database)


@pytest.mark.parametrize(
    ("kind", "cells", "expected"),
    [
        ("user", {"password": "pbkdf2\x00"}, "auth_user row id=2: password: a hidden value contains a NUL character"),
        ("user", {"last_name": "\x00"}, "auth_user row id=2: last_name: a hidden value contains a NUL character"),
        (
            "address",
            {"street": "Main\x00Street"},
            "lettings_address row id=2: street: 'Main\\x00Street' contains a NUL",
        ),
        ("letting", {"title": "Flat\x00"}, "lettings_letting row id=2: title: 'Flat\\x00' contains a NUL character"),
        ("profile", {"favorite_city": "\x00"}, "profiles_profile row id=1: favorite_city: '\\x00' contains a NUL"),
    ],
)
def test_nul_character_is_named(tmp_path, lettings_index, kind, cells, expected):
    """NUL characters, which PostgreSQL cannot store, are found before any write instead of failing midway."""
    database = _damaged(tmp_path, kind, **cells)
    assert expected in refused(database, "--dry-run")
    assert expected in refused(database)


def test_duplicate_id_and_username_name_each_row_apart(tmp_path, lettings_index):
    """Two rows that share an id and a username are told apart by their place among the rows with that id."""
    twin = with_cells("user", GUEST, email="twin@example.com")
    message = refused(build_legacy_db(tmp_path / "bad.sqlite3", users=[*USERS, twin], loose=True))
    assert (
        "auth_user row id=2 (1 of 2): id: 2 is used by 2 rows; username: 'guest' is also used by row id=2 (2 of 2)"
        in (message)
    )
    assert (
        "auth_user row id=2 (2 of 2): id: 2 is used by 2 rows; username: 'guest' is also used by row id=2 (1 of 2)"
        in (message)
    )


def test_duplicate_usernames_are_named(tmp_path, lettings_index):
    """Two old users with one username are both named in the planning pass, not found by the database later."""
    twin = with_cells("user", GUEST, id=3, email="twin@example.com")
    database = build_legacy_db(tmp_path / "bad.sqlite3", users=[*USERS, twin], loose=True)
    for args in ((database, "--dry-run"), (database,)):
        message = refused(*args)
        assert "auth_user row id=2: username: 'guest' is also used by row id=3" in message
        assert "auth_user row id=3: username: 'guest' is also used by row id=2" in message


@pytest.mark.parametrize(
    ("kind", "table"),
    [
        ("user", "auth_user"),
        ("address", "lettings_address"),
        ("letting", "lettings_letting"),
        ("profile", "profiles_profile"),
    ],
)
def test_duplicate_ids_are_named(tmp_path, lettings_index, kind, table):
    """Two rows with one id in any table are named: matching by old id would otherwise merge or crash them."""
    users = [*USERS, with_cells("user", GUEST, id=3, username="host")]
    addresses = [*ADDRESSES, with_cells("address", ADDRESSES[1], id=3, number=14)]
    lettings = [*LETTINGS, (3, "Third Flat", 3)]
    profiles = [*PROFILES, (2, "Paris", 3)]
    rows = {"user": users, "address": addresses, "letting": lettings, "profile": profiles}
    rows[kind][-1] = with_cells(kind, rows[kind][-1], id=rows[kind][-2][0])
    duplicated = rows[kind][-1][0]
    database = build_legacy_db(
        tmp_path / "bad.sqlite3",
        users=rows["user"],
        addresses=rows["address"],
        lettings=rows["letting"],
        profiles=rows["profile"],
        loose=True,
    )
    for args in ((database, "--dry-run"), (database,)):
        message = refused(*args)
        for place in (1, 2):
            assert f"{table} row id={duplicated} ({place} of 2): id: {duplicated} is used by 2 rows" in message


def test_two_profiles_for_one_user_are_named(tmp_path, lettings_index):
    """A user with two old profiles is named in the planning pass: the site allows one profile per user."""
    database = build_legacy_db(tmp_path / "bad.sqlite3", profiles=[*PROFILES, (2, "Paris", 2)])
    for args in ((database, "--dry-run"), (database,)):
        message = refused(*args)
        assert "profiles_profile row id=1: user_id: user 2 also has the profile row id=2" in message
        assert "profiles_profile row id=2: user_id: user 2 also has the profile row id=1" in message


def test_address_held_by_another_letting_on_the_site_is_named(tmp_path, lettings_index):
    """An old letting whose address already belongs to another page on the site is refused before any write."""
    database = build_legacy_db(tmp_path / "old.sqlite3")
    run(database)
    letting = LettingPage.objects.get(legacy_id=1)
    letting.legacy_id = None  # an editor cleared the old-site id; the page keeps old address 1
    letting.save_revision().publish()
    message = refused(database, "--dry-run")
    expected = f"lettings_letting row id=1: address 1 belongs to the site's letting 'Green Haus' (page {letting.pk}, "
    assert f"{expected}no old-site id)" in message


def test_every_damaged_row_is_named_in_one_run(tmp_path, lettings_index):
    """All the problems of a file are listed at once, so one round of fixes is enough."""
    users = [with_cells("user", USERS[0], is_superuser="false"), with_cells("user", GUEST, is_staff="nope")]
    addresses = [with_cells("address", ADDRESSES[0], street=b"blob"), ADDRESSES[1]]
    lettings = [LETTINGS[0], with_cells("letting", LETTINGS[1], title=RawText(b"\xff"))]
    database = build_legacy_db(tmp_path / "bad.sqlite3", users=users, addresses=addresses, lettings=lettings)
    message = refused(database)
    assert "auth_user row id=1" not in message
    for expected in (
        "auth_user row id=2: is_staff:",
        "lettings_address row id=1: street:",
        "lettings_letting row id=2",
    ):
        assert expected in message


@pytest.mark.parametrize("table", ["lettings_letting", "auth_user"])
def test_damaged_file_is_refused_without_a_traceback(tmp_path, lettings_index, table):
    """A file whose table pages are damaged gives a clear message, not an sqlite3 traceback.

    The lettings are counted while the layout is detected, the users only read while the import is planned.
    """
    database = build_legacy_db(tmp_path / "old.sqlite3")
    (root_page,) = source_rows(database, f"SELECT rootpage FROM sqlite_master WHERE name = '{table}'")[0]
    (page_size,) = source_rows(database, "PRAGMA page_size")[0]
    data = bytearray(database.read_bytes())
    start = (root_page - 1) * page_size
    data[start : start + page_size] = b"\xee" * page_size
    database.write_bytes(bytes(data))
    message = refused(database)
    assert f"{database}" in message
    assert "cannot be read (database disk image is malformed): is it damaged?" in message


# Security review: reports carry no secrets or personal values, and no row passes planning to fail at write time.


def _conflict_lines(output: str) -> list[str]:
    """Return the "Conflict" lines of a report."""
    return [line for line in output.splitlines() if line.startswith("Conflict")]


def test_conflict_report_shows_no_password_hash_or_personal_value(tmp_path, lettings_index):
    """A dry run against a site that has the old users names the fields that differ, never their values."""
    site_boss = get_user_model().objects.create_superuser("boss", "cto@example.org", "Site-Secret-1!")
    get_user_model().objects.filter(pk=site_boss.pk).update(last_login=make_aware(parse_datetime("2024-05-01 08:00")))
    get_user_model().objects.create_user("guest", "guest@example.org", first_name="Augustus", last_name="Guest")
    output = run(build_legacy_db(tmp_path / "old.sqlite3"), "--dry-run")
    lines = _conflict_lines(output)
    assert (
        "Conflict, left alone (use --update to overwrite): users boss: "
        "email differs; password hash differs; date_joined differs; last_login differs"
    ) in lines
    assert any("users guest: " in line and "first_name differs" in line for line in lines)
    for value in (
        site_boss.password,
        USERS[0][1],
        USERS[1][1],
        "pbkdf2",
        "sha256",
        "cto@example.org",
        "boss@example.com",
        "guest@example.org",
        "gus@example.com",
        "Augustus",
        "2024-05-01",
        "2020-06-14",
        "09:41",
    ):
        assert value not in output


def test_conflict_report_on_a_copy_of_the_real_database_shows_no_hash(tmp_path, lettings_index):
    """The review's case: the site's superuser already exists with another password; the dry run hides both hashes."""
    assert REAL_DATABASE.is_file(), f"The old site's database is not at {REAL_DATABASE}: set LEGACY_DATABASE."
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(REAL_DATABASE.read_bytes())
    site_admin = get_user_model().objects.create_superuser("admin", "cto@example.org", "Site-Secret-1!")
    (old_admin,) = source_rows(copy, "SELECT password, email, last_login FROM auth_user WHERE username = 'admin'")
    output = run(copy, "--dry-run")
    (line,) = [line for line in _conflict_lines(output) if "users admin: " in line]
    assert "password hash differs" in line
    for value in (site_admin.password, old_admin["password"], "pbkdf2", "cto@example.org", old_admin["email"]):
        assert value not in output
    assert old_admin["last_login"][:10] not in output


def test_address_and_letting_conflicts_name_fields_only(tmp_path, lettings_index):
    """Conflicts on addresses and lettings name the differing fields and the record by its old id."""
    database = build_legacy_db(tmp_path / "old.sqlite3")
    run(database)
    Address.objects.filter(legacy_id=1).update(city="Savannah", street="Elm Street")
    letting = LettingPage.objects.get(legacy_id=2)
    letting.title = "Renamed Flat"
    letting.save_revision().publish()
    lines = _conflict_lines(run(database))
    assert any(line.endswith("addresses address #1: street differs; city differs") for line in lines)
    assert any(line.endswith("lettings letting #2 (Boston Flat): title differs") for line in lines)
    for value in ("Savannah", "Elm Street", "Bedford", "Brunswick", "Renamed Flat"):
        assert all(value not in line for line in lines)


@pytest.mark.parametrize(
    ("cells", "expected", "hidden"),
    [
        ({"password": "pbkdf2_sha256$180000$salt$hash2=\x00"}, "password: a hidden value contains a NUL", "pbkdf2"),
        ({"password": RawText(b"pbkdf2_sha256$\xff")}, "password: a hidden value is not valid UTF-8 text", "pbkdf2"),
        ({"email": "gus@example.com\x00"}, "email: a hidden value contains a NUL character", "gus@"),
        ({"email": RawText(b"gus\xff@example.com")}, "email: a hidden value is not valid UTF-8 text", "example.com"),
        ({"first_name": "Gus\x00"}, "first_name: a hidden value contains a NUL character", "Gus"),
        ({"last_login": "2020-02-30 10:00:00"}, "last_login: a hidden value is not a date and time", "2020-02-30"),
    ],
)
def test_rejected_user_row_hides_secret_and_personal_values(tmp_path, lettings_index, cells, expected, hidden):
    """A refused user row is named by table, id and column; its password hash or personal value is not printed."""
    database = _damaged(tmp_path, "user", **cells)
    for args in ((database, "--dry-run"), (database,)):
        message = refused(*args)
        assert f"auth_user row id=2: {expected}" in message
        assert hidden not in message


def _site_letting(index, title: str, number: int) -> LettingPage:
    """Create and publish a letting an editor made on the site (no old-site id), with an address of its own."""
    address = Address.objects.create(number=number, street="Site Street", city="Irvine", state="CA", zip_code="92602")
    letting = LettingPage(title=title, address=address)
    index.add_child(instance=letting)
    letting.save_revision().publish()
    return letting


@pytest.mark.parametrize("title", ["!!!", "🏠 🏡", " - ", "___", "?!.,"])
def test_title_without_a_slug_gets_a_fallback_slug(tmp_path, client, lettings_index, title):
    """A title that gives no slug (the old site allowed it) imports under ``letting-<old id>``, checked in planning."""
    database = build_legacy_db(tmp_path / "old.sqlite3", lettings=[LETTINGS[0], (2, title, 2)])
    assert "Dry run: nothing was written." in run(database, "--dry-run")
    run(database)
    letting = LettingPage.objects.get(legacy_id=2)
    assert (letting.title, letting.slug, letting.live) == (title.strip(), "letting-2", True)
    assert client.get(letting.url).status_code == 200
    assert client.get("/lettings/2/")["Location"] == letting.url


def test_fallback_slug_is_free_on_the_site_and_in_the_run(tmp_path, lettings_index):
    """A fallback slug taken by a site page or by a letting of the same run gets a suffix, decided in planning."""
    _site_letting(lettings_index, "Letting 3", 1)
    addresses = [*ADDRESSES, with_cells("address", ADDRESSES[1], id=3, number=14)]
    lettings = [(1, "Letting 2", 1), (2, "!!!", 2), (3, "???", 3)]
    database = build_legacy_db(tmp_path / "old.sqlite3", addresses=addresses, lettings=lettings)
    run(database, "--dry-run")
    run(database)
    slugs = {page.legacy_id: page.slug for page in LettingPage.objects.filter(legacy_id__isnull=False)}
    assert slugs == {1: "letting-2", 2: "letting-2-2", 3: "letting-3-2"}
    assert LettingPage.objects.filter(slug="letting-3", legacy_id__isnull=True).exists()


@pytest.mark.parametrize(
    "titles",
    [
        pytest.param(["a" * 255, "a" * 255], id="same-255-character-title"),
        pytest.param(["\ufdfa" * 20, "Flat"], id="title-whose-slug-outgrows-255"),
        # The circled numbers become "10" each, so the slug is 260 digits and "-x": cut to 255, it would be all digits.
        pytest.param(["1" * 200 + "\u247d" * 30 + " x", "Flat"], id="long-title-cut-to-digits"),
    ],
)
def test_long_slug_is_cut_to_fit_in_planning(tmp_path, lettings_index, titles):
    """A slug that would pass 255 characters (with a suffix, or as the title expands) is cut to fit in planning."""
    lettings = [(1, titles[0], 1), (2, titles[1], 2)]
    database = build_legacy_db(tmp_path / "old.sqlite3", lettings=lettings)
    run(database, "--dry-run")
    run(database)
    slugs = [page.slug for page in LettingPage.objects.filter(legacy_id__isnull=False).order_by("legacy_id")]
    assert len(set(slugs)) == 2
    assert all(0 < len(slug) <= 255 and not slug.isdigit() for slug in slugs)


def test_rows_that_would_fail_at_write_time_are_named_by_the_dry_run(tmp_path, lettings_index):
    """Each row breaks one rule the write step enforces (full_clean or the database); the dry run names them all."""
    users = [
        *USERS,
        with_cells("user", GUEST, id=3, username="u" * 151),
        with_cells("user", GUEST, id=4, username="long_first", first_name="F" * 151),
        with_cells("user", GUEST, id=5, username="long_last", last_name="L" * 151),
        with_cells("user", GUEST, id=6, username="long_mail", email="m" * 250 + "@example.com"),
        with_cells("user", GUEST, id=7, username="bad_mail", email="not-an-address"),
        with_cells("user", GUEST, id=8, username="long_hash", password="p" * 129),
        with_cells("user", GUEST, id=9, username="bad name!"),
        with_cells("user", GUEST, id=10, username="early", date_joined="0001-01-01 00:30:00+01:00"),
        with_cells("user", GUEST, id=11, username="late", last_login="9999-12-31 23:00:00-05:00"),
    ]
    good_address = ADDRESSES[1]
    addresses = [
        *ADDRESSES,
        with_cells("address", good_address, id=3, street="S" * 65),
        with_cells("address", good_address, id=4, city="C" * 65),
        with_cells("address", good_address, id=5, state="ZZ"),
        with_cells("address", good_address, id=6, number=10000),
        with_cells("address", good_address, id=7, zip_code=0),
        with_cells("address", good_address, id=8, country_iso_code="usa1"),
        with_cells("address", good_address, id=9, number=21),
        with_cells("address", good_address, id=10, number=22),
    ]
    lettings = [*LETTINGS, (9, "T" * 256, 9), (10, " \t ", 10)]
    profiles = [*PROFILES, (2, "C" * 65, 1)]
    database = build_legacy_db(
        tmp_path / "bad.sqlite3", users=users, addresses=addresses, lettings=lettings, profiles=profiles, loose=True
    )
    expected = [
        "auth_user row id=3: username: Ensure this value has at most 150 characters",
        "auth_user row id=4: first_name: Ensure this value has at most 150 characters",
        "auth_user row id=5: last_name: Ensure this value has at most 150 characters",
        "auth_user row id=6: email: Ensure this value has at most 254 characters",
        "auth_user row id=7: email: Enter a valid email address.",
        "auth_user row id=8: password: Ensure this value has at most 128 characters",
        "auth_user row id=9: username: Enter a valid username.",
        "auth_user row id=10: date_joined: a hidden value is out of range in UTC",
        "auth_user row id=11: last_login: a hidden value is out of range in UTC",
        "lettings_address row id=3: street: Ensure this value has at most 64 characters",
        "lettings_address row id=4: city: Ensure this value has at most 64 characters",
        "lettings_address row id=5: state: 'ZZ' is not a US state code",
        "lettings_address row id=6: number: The street number must be at most 9999.",
        "lettings_address row id=7: zip_code: Enter a five-digit ZIP code",
        "lettings_address row id=8: country_iso_code: Enter a three-letter ISO 3166-1 alpha-3 country code",
        "profiles_profile row id=2: favorite_city: Ensure this value has at most 64 characters",
        "lettings_letting row id=9: title: must be 1 to 255 characters (it has 256)",
        "lettings_letting row id=10: title: must be 1 to 255 characters (it has 0)",
    ]
    for args in ((database, "--dry-run"), (database,)):
        message = refused(*args)
        assert "rolled back" not in message
        missing = [line for line in expected if line not in message]
        assert not missing, f"not named: {missing}\n{message}"
        assert message.count(" row id=") == len(expected)


def test_site_letting_that_would_fail_validation_is_named_by_the_dry_run(tmp_path, lettings_index):
    """An update is checked as the page would be saved: a site page that breaks a rule is named before any write.

    Page 1's slug was copied onto it from an editor's page, page 2's made digits only, both behind the
    editor's back (a queryset update, which skips validation); saving either would fail at write time.
    """
    database = build_legacy_db(tmp_path / "old.sqlite3")
    run(database)
    _site_letting(lettings_index, "Elsewhere", 1)
    first, second = (LettingPage.objects.get(legacy_id=old_id) for old_id in (1, 2))
    LettingPage.objects.filter(pk=first.pk).update(title="Renamed", draft_title="Renamed", slug="elsewhere")
    LettingPage.objects.filter(pk=second.pk).update(title="Renamed too", draft_title="Renamed too", slug="2")
    for args in ((database, "--update", "--dry-run"), (database, "--update")):
        message = refused(*args)
        assert "rolled back" not in message
        assert (
            f"lettings_letting row id=1: the site's letting page {first.pk} cannot be saved: "
            "slug: The slug 'elsewhere' is already in use within the parent page"
        ) in message
        assert (
            f"lettings_letting row id=2: the site's letting page {second.pk} cannot be saved: "
            "slug: A letting's slug cannot be only digits"
        ) in message
