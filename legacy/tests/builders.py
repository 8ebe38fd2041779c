"""Small old-site databases, in either layout, built by the tests themselves."""

import re
import sqlite3
from pathlib import Path

from legacy.source import LAYOUTS

SCHEMA = {
    "auth_user": (
        '"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, '
        '"last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, '
        '"first_name" varchar(30) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, '
        '"is_active" bool NOT NULL, "date_joined" datetime NOT NULL, "last_name" varchar(150) NOT NULL'
    ),
    "address": (
        '"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "number" integer unsigned NOT NULL, '
        '"street" varchar(64) NOT NULL, "city" varchar(64) NOT NULL, "state" varchar(2) NOT NULL, '
        '"zip_code" integer unsigned NOT NULL, "country_iso_code" varchar(3) NOT NULL'
    ),
    "letting": (
        '"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(256) NOT NULL, "address_id" integer NOT NULL'
    ),
    "profile": (
        '"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "favorite_city" varchar(64) NOT NULL, '
        '"user_id" integer NOT NULL'
    ),
}
# Column order of the tuples below, as in the old site's tables.
INSERT_COLUMNS = {
    "user": (
        "id, password, last_login, is_superuser, username, first_name, email, is_staff, is_active, "
        "date_joined, last_name"
    ),
    "address": "id, number, street, city, state, zip_code, country_iso_code",
    "letting": "id, title, address_id",
    "profile": "id, favorite_city, user_id",
}

USERS = [
    (
        1,
        "pbkdf2_sha256$180000$salt$hash1=",
        "2020-06-14 09:41:56.975174",
        1,
        "boss",
        "",
        "boss@example.com",
        1,
        1,
        "2020-06-14 09:41:15.326411",
        "",
    ),
    (
        2,
        "pbkdf2_sha256$180000$salt$hash2=",
        None,
        0,
        "guest",
        "Gus",
        "gus@example.com",
        0,
        1,
        "2020-06-14 09:44:05",
        "Guest",
    ),
]
ADDRESSES = [
    (1, 7217, "Bedford Street", "Brunswick", "GA", 31525, "USA"),
    (2, 12, "Main Street", "Boston", "MA", 2134, "USA"),
]
LETTINGS = [(1, "Green Haus", 1), (2, "Boston Flat", 2)]
PROFILES = [(1, "Berlin", 2)]
# Constraints that a damaged or hand-edited copy of the old database may have lost.
CONSTRAINTS = re.compile(r" (NOT NULL|PRIMARY KEY|AUTOINCREMENT|UNIQUE)")


class RawText(bytes):
    """Bytes stored as TEXT without any decoding, as a damaged database holds invalid UTF-8."""


def _placeholder(value) -> str:
    """Return the SQL placeholder for one cell: raw text is cast, so SQLite keeps it as TEXT, not a BLOB."""
    return "CAST(? AS TEXT)" if isinstance(value, RawText) else "?"


def build_legacy_db(
    path: Path,
    layout: str = "split",
    *,
    users=USERS,
    addresses=ADDRESSES,
    lettings=LETTINGS,
    profiles=PROFILES,
    skip_tables=(),
    loose: bool = False,
) -> Path:
    """Write an old-site database at ``path`` with the given rows, leaving out ``skip_tables``.

    ``loose`` drops the tables' primary keys and UNIQUE and NOT NULL constraints (column types stay), so
    rows can hold what a damaged copy of the old database may: duplicate ids or usernames, NULLs, text ids.
    A :class:`RawText` cell is stored as TEXT byte for byte (invalid UTF-8); a ``bytes`` cell as a BLOB.
    """
    tables = LAYOUTS[layout]
    rows = {"user": users, "address": addresses, "letting": lettings, "profile": profiles}
    connection = sqlite3.connect(path)
    with connection:
        for kind, table in tables.items():
            if table in skip_tables:
                continue
            schema = SCHEMA["auth_user"] if kind == "user" else SCHEMA[kind]
            if loose:
                schema = CONSTRAINTS.sub("", schema)
            connection.execute(f'CREATE TABLE "{table}" ({schema})')
            columns = INSERT_COLUMNS[kind]
            for row in rows[kind]:
                marks = ", ".join(_placeholder(value) for value in row)
                connection.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', row)
    connection.close()
    return path


def with_cells(kind: str, row: tuple, **cells) -> tuple:
    """Return a copy of one builder row of ``kind`` (user, address, letting, profile) with some cells replaced."""
    columns = [column.strip() for column in INSERT_COLUMNS[kind].split(",")]
    unknown = set(cells) - set(columns)
    if unknown:
        raise ValueError(f"{kind} rows have no column(s) {', '.join(sorted(unknown))}")
    return tuple(cells.get(column, value) for column, value in zip(columns, row, strict=True))
