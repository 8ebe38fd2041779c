"""Keyset pagination: "next" and "previous" pages that cost the same at row 10 and at row 100,000.

A page is reached by the primary key of the row just before it (``?after=<pk>``) or just after it
(``?before=<pk>``). The query asks the database for the rows that sort after (or before) that row,
with one index range scan and a ``LIMIT``; an ``OFFSET`` would read and throw away every earlier row,
and a total count would read them all. The price is that pages have no numbers: a listing offers
"Next", "Previous" and "First page", which is what a visitor of a long listing uses anyway.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import F, Subquery, Value
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan


@dataclass
class KeysetPage:
    """One page of rows, with the cursors of its neighbours."""

    rows: list
    has_previous: bool
    has_next: bool
    base_query: str = ""
    prefix: str = ""
    cursor: dict = field(default_factory=dict)

    def __iter__(self):
        """Iterate over the rows of this page."""
        return iter(self.rows)

    def __len__(self) -> int:
        """Return the number of rows on this page."""
        return len(self.rows)

    def __bool__(self) -> bool:
        """Tell whether this page has any row."""
        return bool(self.rows)

    @property
    def has_other_pages(self) -> bool:
        """Tell whether there is a page before or after this one."""
        return self.has_previous or self.has_next

    def _link(self, **cursor) -> str:
        """Return the query string of a neighbouring page, keeping the filters of ``base_query``."""
        return "?" + "&".join(part for part in (self.base_query, urlencode(cursor)) if part)

    @property
    def first_link(self) -> str:
        """Return the query string of the first page."""
        return self._link()

    @property
    def next_link(self) -> str:
        """Return the query string of the next page."""
        return self._link(**{f"{self.prefix}after": self.rows[-1].pk})

    @property
    def previous_link(self) -> str:
        """Return the query string of the previous page."""
        return self._link(**{f"{self.prefix}before": self.rows[0].pk})


CURSOR = re.compile(r"[0-9]{1,18}")


def cursor_from(value: str | None) -> int | None:
    """Return the primary key in a cursor parameter, or None when it is missing or not a number.

    Only ASCII digits count: ``str.isdigit()`` also accepts "²" or "٣", which ``int()`` refuses or
    reads as another number. Eighteen digits at most, so the key fits a 64-bit column.
    """
    if value and CURSOR.fullmatch(value):
        return int(value)
    return None


def keyset_page(
    queryset, params, *, order_field: str, per_page: int, base_query: str = "", prefix: str = ""
) -> KeysetPage:
    """Return the page of ``queryset`` (ordered by ``order_field`` then pk) that ``params`` asks for.

    ``order_field`` names a column that is never empty; with a leading ``-`` the order is
    descending (ties then by descending pk). ``params`` is the request's query dictionary:
    ``after`` or ``before`` (after ``prefix``, where a page lists two kinds) hold a primary key;
    with neither (or a malformed one) the first page is returned. ``base_query`` is the query string
    the page links keep (filters, sort, search words). The cursor row's sort value is read in the
    same query, as a subquery, so a page is always one query (plus its prefetches).
    """
    descending = order_field.startswith("-")
    column = order_field.lstrip("-")
    ascending_order, descending_order = (column, "pk"), (f"-{column}", "-pk")
    after, before = cursor_from(params.get(f"{prefix}after")), cursor_from(params.get(f"{prefix}before"))
    if after is None and before is None:
        rows = list(queryset.order_by(*(descending_order if descending else ascending_order))[: per_page + 1])
        return KeysetPage(rows[:per_page], False, len(rows) > per_page, base_query, prefix)
    # The parameter the page was built from, as it was read (the page cache keys pages by it).
    used = {f"{prefix}after": after} if after is not None else {f"{prefix}before": before}
    # Forward from the row after which the page starts, or backward from the row it ends before.
    forward = after is not None
    cursor = after if forward else before
    # The cursor's row is looked up in the listed rows themselves: a cursor naming a row the listing
    # does not show (unpublished, restricted, filtered out) gives an empty page, never its position.
    pivot = Subquery(queryset.order_by().filter(pk=cursor).values(column)[:1])
    # Walking up the column: forward in an ascending order, backward in a descending one. The rows
    # past the cursor are those with "(column, pk) > (the cursor's value, its pk)": on PostgreSQL a
    # row comparison, which a (column, pk) index answers as one range however many rows share the
    # cursor's value. The plain bound on the column alone starts the range where the index holds
    # the column but another table holds the pk (a page type's title is in Wagtail's page table).
    upward = forward != descending
    bound, past, order = (
        ("gte", TupleGreaterThan, ascending_order) if upward else ("lte", TupleLessThan, descending_order)
    )
    rows = list(
        queryset.filter(**{f"{column}__{bound}": pivot})
        .filter(past(Tuple(F(column), F("pk")), (pivot, Value(cursor))))
        .order_by(*order)[: per_page + 1]
    )
    more = len(rows) > per_page
    if not rows:
        used = {}  # a cursor that names no row of this listing is not a page worth keeping (the page cache)
    if forward:
        return KeysetPage(rows[:per_page], True, more, base_query, prefix, used)
    return KeysetPage(rows[:per_page][::-1], more, True, base_query, prefix, used)
