"""Reading the old site's records kept as JSON, the way :class:`~legacy.source.LegacySource` reads its database.

The demo data file (``home/demo_data/demo_data.json``) keeps the old site's records in this shape::

    {
      "users": [{"id": 1, "username": "admin", "password": "pbkdf2_sha256$...", ..., "last_login": null}],
      "profiles": [{"id": 1, "user_id": 5, "favorite_city": "Buenos Aires"}],
      "lettings": [
        {"legacy_id": 1, "title": "...", "address": {"legacy_id": 1, "number": 7217, ..., "zip_code": "31525"}}
      ]
    }

A user or a profile is a row of the old site's table, column for column (``legacy.source.COLUMNS``). A letting
holds its address, and both give their old id as ``legacy_id``, the site's name for it: read as tables, each
letting's address is a row of the address table, and the letting's ``address_id`` is that row's id. Any other
key (a letting's ``summary``, the file's ``source``) is the demo's own and is not read here.

As with the database, nothing is trusted: values come back as JSON holds them (``true`` is Python's ``True``)
and the importer decides what each column may hold. Only the file's shape is checked here: a list or a key
that is missing raises :class:`~legacy.source.LegacySourceError`, naming where it is missing.
"""

from typing import Any

from .source import COLUMNS, LegacySourceError

# The columns a letting's address gives besides its old id.
ADDRESS_COLUMNS = tuple(column for column in COLUMNS["address"] if column != "id")


class JsonSource:
    """The old site's users, profiles, addresses and lettings from parsed JSON, read as tables."""

    layout = "JSON"
    # What messages call each table: where its rows are in the file.
    tables = {"user": "users", "profile": "profiles", "address": "letting addresses", "letting": "lettings"}

    def __init__(self, data: Any, *, name: str = "The data"):
        """Keep the parsed file; ``name`` starts the messages about its shape (the file's path, say)."""
        if not isinstance(data, dict):
            raise LegacySourceError(f"{name} is not a JSON object with users, profiles and lettings.")
        self.data = data
        self.name = name

    def rows(self, kind: str) -> list[dict]:
        """Return every row of one kind (user, address, letting, profile) as dicts, in the file's order.

        Each cell comes back as JSON holds it, whatever it is; a list or a key the table needs that is
        missing raises :class:`~legacy.source.LegacySourceError`.
        """
        if kind == "letting":
            return [
                {"id": letting["legacy_id"], "title": letting["title"], "address_id": address["legacy_id"]}
                for letting, address in self._lettings_and_addresses()
            ]
        if kind == "address":
            return [
                {"id": address["legacy_id"], **{column: address[column] for column in ADDRESS_COLUMNS}}
                for _, address in self._lettings_and_addresses()
            ]
        table = self.tables[kind]
        return [
            self._fields(record, COLUMNS[kind], f"{table}[{place}]")
            for place, record in enumerate(self._records(table))
        ]

    def _lettings_and_addresses(self) -> list[tuple[dict, dict]]:
        """Return each letting's record with its address's, both checked for every key the tables need."""
        pairs = []
        for place, record in enumerate(self._records("lettings")):
            where = f"lettings[{place}]"
            letting = self._fields(record, ("legacy_id", "title", "address"), where)
            address = self._fields(letting["address"], ("legacy_id", *ADDRESS_COLUMNS), f"{where}.address")
            pairs.append((letting, address))
        return pairs

    def _records(self, key: str) -> list:
        """Return the file's list under ``key``."""
        records = self.data.get(key)
        if not isinstance(records, list):
            raise LegacySourceError(f"{self.name} has no list of {key}.")
        return records

    def _fields(self, record: Any, keys: tuple[str, ...], where: str) -> dict:
        """Return ``keys`` of one JSON object; ``where`` names it in the message if it is not one or lacks a key."""
        if not isinstance(record, dict):
            raise LegacySourceError(f"{self.name}: {where} is not a JSON object.")
        missing = [key for key in keys if key not in record]
        if missing:
            raise LegacySourceError(f"{self.name}: {where} lacks the key(s) {', '.join(missing)}.")
        return {key: record[key] for key in keys}
