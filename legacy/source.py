"""Reading an old-site SQLite database, in either of the two layouts the old site had.

The old site first kept every model in one app (tables ``oc_lettings_site_*``); a later refactoring
split it into ``lettings`` and ``profiles`` apps (tables ``lettings_address``, ``lettings_letting``,
``profiles_profile``). Users are in Django's ``auth_user`` in both. The file is opened read-only.
"""

import sqlite3
from pathlib import Path
from urllib.parse import quote

LAYOUTS = {
    "monolithic": {
        "address": "oc_lettings_site_address",
        "letting": "oc_lettings_site_letting",
        "profile": "oc_lettings_site_profile",
        "user": "auth_user",
    },
    "split": {
        "address": "lettings_address",
        "letting": "lettings_letting",
        "profile": "profiles_profile",
        "user": "auth_user",
    },
}
COLUMNS = {
    "user": (
        "id",
        "username",
        "password",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "last_login",
    ),
    "address": ("id", "number", "street", "city", "state", "zip_code", "country_iso_code"),
    "letting": ("id", "title", "address_id"),
    "profile": ("id", "favorite_city", "user_id"),
}


class LegacySourceError(Exception):
    """The file cannot be read as an old-site database; the message says why."""


def _expected_tables() -> str:
    """Describe the tables of both layouts, for error messages."""
    return " or ".join(f"{', '.join(tables.values())} ({name} layout)" for name, tables in LAYOUTS.items())


class LegacySource:
    """An old-site database opened read-only, with its layout detected and its columns checked."""

    def __init__(self, path: str | Path):
        """Open ``path`` read-only and detect its layout; raise :class:`LegacySourceError` if it cannot be used."""
        self.path = Path(path)
        if not self.path.exists():
            raise LegacySourceError(f"{self.path}: no such file.")
        if not self.path.is_file():
            raise LegacySourceError(f"{self.path} is not a file.")
        self.connection = sqlite3.connect(f"file:{quote(str(self.path.resolve()))}?mode=ro", uri=True)
        self.connection.row_factory = sqlite3.Row
        try:
            tables = {row[0] for row in self.connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as error:
            self.close()
            raise LegacySourceError(f"{self.path} is not an SQLite database ({error}).") from error
        try:
            self.layout = self._detect_layout(tables)
            self.tables = LAYOUTS[self.layout]
            self._check_columns()
        except LegacySourceError:
            self.close()
            raise

    def _detect_layout(self, tables: set[str]) -> str:
        """Return the name of the layout whose tables are all present, preferring one that holds data."""
        complete = [name for name, layout in LAYOUTS.items() if set(layout.values()) <= tables]
        if not complete:
            found = sorted(tables & {table for layout in LAYOUTS.values() for table in layout.values()})
            detail = f"it has {', '.join(found)} only" if found else "it has none of them"
            raise LegacySourceError(
                f"{self.path} is not a complete old-site database ({detail}; empty or half-migrated?). "
                f"Expected the tables {_expected_tables()}."
            )
        with_data = [
            name for name in complete if self._count(LAYOUTS[name]["letting"]) or self._count(LAYOUTS[name]["address"])
        ]
        if len(with_data) > 1:
            raise LegacySourceError(
                f"{self.path} holds lettings in both layouts ({', '.join(with_data)}): cannot tell which is current."
            )
        return (with_data or complete)[-1]

    def _count(self, table: str) -> int:
        """Return the number of rows in ``table``."""
        return self.connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

    def _check_columns(self) -> None:
        """Refuse tables that lack a column the import reads (a half-migrated database)."""
        for kind, table in self.tables.items():
            present = {row["name"] for row in self.connection.execute(f'PRAGMA table_info("{table}")')}
            missing = [column for column in COLUMNS[kind] if column not in present]
            if missing:
                raise LegacySourceError(
                    f"{self.path}: table {table} lacks the column(s) {', '.join(missing)} (half-migrated database?)."
                )

    def rows(self, kind: str) -> list[dict]:
        """Return every row of one kind (user, address, letting, profile) as dicts, ordered by id."""
        table = self.tables[kind]
        columns = ", ".join(f'"{column}"' for column in COLUMNS[kind])
        query = f'SELECT {columns} FROM "{table}" ORDER BY id'
        return [dict(row) for row in self.connection.execute(query)]

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()
