"""A URL converter for ids that a database integer column can hold, so a made-up id is a 404, never a 500.

``<int:...>`` accepts any number of digits; SQLite refuses a Python int past 64 bits outright
(``OverflowError``), so a visitor's ``/calendars/999…9.ics`` would crash the view. ``<dbid:...>``
matches only 1 to 10 digits up to 2**31 - 1 (Django's ``AutoField`` and ``PositiveIntegerField``),
without a leading zero, so each id has one URL (a cache key is attacker input).
Importing this module registers it: routable pages compile their paths when their model is imported.
"""

from django.urls import register_converter

MAX_ID = 2**31 - 1


class DatabaseIdConverter:
    """Match a positive id that fits a database integer column; anything else does not match the URL."""

    regex = "[1-9][0-9]{0,9}"  # no leading zero: /calendars/06.ics is not a second URL of /calendars/6.ics

    def to_python(self, value: str) -> int:
        """Return the id; raise ``ValueError`` (no match, so 404) when it is too large."""
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is larger than any id")
        return number

    def to_url(self, value) -> str:
        """Return the id as written in a URL."""
        return str(value)


register_converter(DatabaseIdConverter, "dbid")
