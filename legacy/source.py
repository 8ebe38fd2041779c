"""Reading an old-site SQLite database, in either of the two layouts the old site had.

The old site first kept every model in one app (tables ``oc_lettings_site_*``); a later refactoring
split it into ``lettings`` and ``profiles`` apps (tables ``lettings_address``, ``lettings_letting``,
``profiles_profile``). Users are in Django's ``auth_user`` in both. The file is opened read-only.

Nothing read is trusted: SQLite lets any cell hold any type, so :meth:`LegacySource.rows` returns each
cell as stored (integer, real, text, BLOB as ``bytes``, NULL as ``None``), with text that is not valid in
the database's encoding kept as :class:`Undecodable` bytes instead of failing the whole read. The importer
decides what each column may hold.
"""

import sqlite3
from dataclasses import dataclass
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


# SQLite's names for a database's text encoding (PRAGMA encoding), and Python's.
ENCODINGS = {"UTF-8": "utf-8", "UTF-16le": "utf-16-le", "UTF-16be": "utf-16-be"}


class LegacySourceError(Exception):
    """The file cannot be read as an old-site database; the message says why."""


@dataclass(frozen=True)
class Undecodable:
    """A text cell whose bytes are not valid in the database's encoding (a damaged database)."""

    raw: bytes
    encoding: str = "utf-8"

    def __str__(self) -> str:
        """Return the raw bytes as Python shows them, which is safe to print."""
        return repr(self.raw)


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
            self.encoding = ENCODINGS[self.connection.execute("PRAGMA encoding").fetchone()[0]]
        except sqlite3.DatabaseError as error:
            self.close()
            raise LegacySourceError(f"{self.path} is not an SQLite database ({error}).") from error
        try:
            self.layout = self._detect_layout(tables)
            self.tables = LAYOUTS[self.layout]
            self._check_columns()
        except sqlite3.DatabaseError as error:
            self.close()
            raise LegacySourceError(f"{self.path} cannot be read ({error}): is it damaged?") from error
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
        """Return every row of one kind (user, address, letting, profile) as dicts, ordered by id.

        Each cell comes back as stored, whatever its column's declared type: ``int``, ``float``, ``str``,
        ``bytes`` (a BLOB), ``None`` (NULL), or :class:`Undecodable` for text that is not valid in the
        database's encoding. Raise :class:`LegacySourceError` if the table cannot be read.
        """
        table = self.tables[kind]
        # Text is fetched as its raw bytes, so one undecodable cell is named instead of failing the read.
        cells = ", ".join(
            f'typeof("{column}"), CASE WHEN typeof("{column}") = \'text\' THEN CAST("{column}" AS BLOB) '
            f'ELSE "{column}" END'
            for column in COLUMNS[kind]
        )
        query = f'SELECT {cells} FROM "{table}" ORDER BY "id"'
        try:
            stored = self.connection.execute(query).fetchall()
        except sqlite3.DatabaseError as error:
            raise LegacySourceError(f"{self.path}: table {table} cannot be read ({error}): is it damaged?") from error
        return [
            {column: self._cell(row[2 * place], row[2 * place + 1]) for place, column in enumerate(COLUMNS[kind])}
            for row in stored
        ]

    def _cell(self, storage_class: str, value):
        """Return one cell as stored; text is decoded strictly, and kept as :class:`Undecodable` if it fails."""
        if storage_class != "text":
            return value
        try:
            return bytes(value).decode(self.encoding)
        except UnicodeDecodeError:
            return Undecodable(bytes(value), self.encoding)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()
