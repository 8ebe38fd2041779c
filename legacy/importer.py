"""Bringing the old site's records into the Wagtail site: validate everything, then write in one transaction.

The records come from a source: :class:`~legacy.source.LegacySource` reads the old site's SQLite file, and
:class:`~legacy.json_source.JsonSource` the same records kept as JSON (the demo data). Both go through the
same rules here, whatever they come from.

The import runs in two phases. :meth:`LegacyImport.plan` reads every row, checks it against the new
site's rules and compares it with what the site already holds; it writes nothing. Only when no row
was rejected does :meth:`LegacyImport.apply` write the plan, inside one transaction, so a failure
part-way leaves the database as it was. Records are matched by natural keys: users and profiles by
username, addresses and lettings by their old-site id (``legacy_id``). The :class:`Mode` decides what
happens to a record the site holds with other values, and to a letting whose address another page holds.

Nothing in the old file is trusted. Every typed column is parsed strictly (:data:`COLUMN_TYPES`): a
boolean is 0/1, true/false, t/f or yes/no in any case, a whole number is an integer, a timestamp is a
real date and time, and text is valid text without NUL characters (which PostgreSQL cannot store).
Duplicate ids, usernames and profiles are found in the same planning pass, so ``--dry-run`` names every
damaged row, by table and id, before anything could be written.

Planning also checks each record as the write step will save it (``full_clean``, and the letting's slug,
decided here and used as is), so a row that passes planning cannot fail at write time.

Reports land in logs (Heroku keeps a command's output), so they never show a password hash or a personal
value: a conflict names the fields that differ, not their values, and a refused user row names the
column without its value (:data:`HIDDEN_COLUMNS`). Usernames and old ids identify records.
"""

import copy
import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from enum import StrEnum
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.timezone import is_naive, make_aware

from lettings.models import Address, LettingIndexPage, LettingPage
from profiles.models import Profile

from .source import Undecodable

logger = logging.getLogger(__name__)


class Kind(StrEnum):
    """The kinds of record an import handles, in the order it plans and writes them."""

    USERS = "users"
    PROFILES = "profiles"
    ADDRESSES = "addresses"
    LETTINGS = "lettings"


class Status(StrEnum):
    """What an import does with one source row."""

    CREATED = "created"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    CONFLICTING = "conflicting"  # the site holds other values and keeps them (UPDATE mode overwrites them)
    REJECTED = "rejected"  # the row breaks a rule: the whole import is refused
    SKIPPED = "skipped"  # RESTORE mode only: the letting's address now belongs to another page


# The statuses whose steps :meth:`LegacyImport.apply` writes.
WRITTEN = frozenset({Status.CREATED, Status.UPDATED})


class Mode(StrEnum):
    """How an import treats what the site already holds."""

    # Create what is missing; report records that differ as conflicts and leave them alone.
    REPORT = "report"
    # As REPORT, but overwrite the records that differ.
    UPDATE = "update"
    # As REPORT, but a letting whose address the site's editors gave to another page is skipped instead of
    # refusing the import: a run restores what was deleted and changes nothing that exists (the demo data).
    RESTORE = "restore"


class RecordSource(Protocol):
    """What the importer reads the old site's records from (:class:`~legacy.source.LegacySource` or JSON)."""

    layout: str  # a name for the source's shape, shown in the report
    tables: dict[str, str]  # the source's name for each table kind (user, address, letting, profile), for messages

    def rows(self, kind: str) -> list[dict]:
        """Return every row of one table kind as dicts of the columns in ``legacy.source.COLUMNS``."""


USER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "password",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
    "last_login",
)
ADDRESS_FIELDS = ("number", "street", "city", "state", "zip_code", "country_iso_code")
# Old ids become ``legacy_id``, a PositiveIntegerField: 0 to 2**31 - 1 on every database Django supports.
MAX_ID = 2**31 - 1
TRUE_WORDS = frozenset({"1", "true", "t", "yes"})
FALSE_WORDS = frozenset({"0", "false", "f", "no"})
SHOWN_LENGTH = 60
# Columns whose values no message shows: a password hash, and a person's name, e-mail address and dates.
HIDDEN_COLUMNS = {"user": frozenset({"password", "first_name", "last_name", "email", "date_joined", "last_login"})}
# How a conflict names a field that differs (it never shows the values).
DIFFERENCE_NAMES = {"password": "password hash", "address_legacy_id": "address"}


class BadValueError(ValueError):
    """A cell holds what its column cannot: the message shows the value and the rule, or hides the value."""

    def __init__(self, value, rule: str):
        super().__init__(f"{_shown(value)} {rule}")
        self.value = value
        self.rule = rule

    def hidden(self) -> str:
        """Return the message without the value: only NULL or a BLOB's size is shown, which reveal nothing."""
        value = self.value
        shown = _shown(value) if value is None or isinstance(value, bytes) else "a hidden value"
        return f"{shown} {self.rule}"


def _shown(value) -> str:
    """Return a cell's value as a message shows it: NULL, a BLOB's size, raw bytes, or a shortened repr."""
    if value is None:
        return "NULL"
    if isinstance(value, Undecodable):
        return str(value)
    if isinstance(value, bytes):
        return f"a BLOB of {len(value)} byte{'' if len(value) == 1 else 's'}"
    text = repr(value)
    return text if len(text) <= SHOWN_LENGTH else f"{text[: SHOWN_LENGTH - 4]}...{text[-1]}"


def _boolean(value) -> bool:
    """Return a boolean cell: 0/1 as numbers, or 0/1, true/false, t/f, yes/no as text in any case."""
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise BadValueError(value, "is not a boolean (0/1, true/false, t/f or yes/no)")


def _whole_number(value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return a whole-number cell, within the bounds if given.

    Only an SQLite integer counts: an INTEGER column converts digits written as text on insertion, so
    text left in one is not a number (nor is a REAL, which SQLite keeps only when it has a fraction).
    A JSON ``true`` or ``false`` is not one either, though Python counts ``bool`` as ``int``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValueError(value, "is not a whole number")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise BadValueError(value, f"is not a whole number from {minimum} to {maximum}")
    return value


def _timestamp(value, *, nullable: bool = False):
    """Return a timestamp cell (naive text is UTC) as an aware UTC datetime; NULL or '' only where ``nullable``.

    The database stores UTC, so a time whose offset takes it past year 1 or 9999 there is refused here: it
    would fail at write time (SQLite) or be written as a date Python cannot read back (PostgreSQL).
    """
    if nullable and value in (None, ""):
        return None
    moment = None
    if isinstance(value, str):
        try:
            moment = parse_datetime(value)
        except ValueError:  # well formed but impossible, such as February 30
            moment = None
    if moment is None:
        raise BadValueError(value, "is not a date and time")
    if is_naive(moment):
        return make_aware(moment, UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadValueError(value, "is out of range in UTC (before year 1 or after 9999)") from None


def _text(value, *, null_as: str | None = None) -> str | None:
    """Return a text cell: valid text without NUL characters; NULL becomes ``null_as``."""
    if value is None:
        return null_as
    if isinstance(value, Undecodable):
        raise BadValueError(value, f"is not valid {value.encoding.upper()} text")
    if not isinstance(value, str):
        raise BadValueError(value, "is not text")
    if "\x00" in value:
        raise BadValueError(value, "contains a NUL character")
    return value


def _zip_code(value) -> str | None:
    """Return a ZIP code cell as text: the old site stored a number (5 digits kept), a damaged copy text."""
    if value is None or isinstance(value, str | bytes | Undecodable):
        return _text(value)
    number = _whole_number(value)
    return f"{number:05d}" if 0 <= number <= 99999 else str(number)


_id = partial(_whole_number, minimum=0, maximum=MAX_ID)
_optional_text = partial(_text, null_as="")
# What each column read from the old database may hold; the parser raises BadValueError for anything else.
COLUMN_TYPES: dict[str, dict[str, Callable[[Any], Any]]] = {
    "user": {
        "id": _id,
        "username": _text,
        "password": _text,
        "first_name": _optional_text,
        "last_name": _optional_text,
        "email": _optional_text,
        "is_active": _boolean,
        "is_staff": _boolean,
        "is_superuser": _boolean,
        "date_joined": _timestamp,
        "last_login": partial(_timestamp, nullable=True),
    },
    "address": {
        "id": _id,
        "number": _whole_number,
        "street": _text,
        "city": _text,
        "state": _text,
        "zip_code": _zip_code,
        "country_iso_code": _text,
    },
    "letting": {"id": _id, "title": _optional_text, "address_id": _whole_number},
    "profile": {"id": _id, "favorite_city": _optional_text, "user_id": _whole_number},
}


@dataclass
class SourceRow:
    """One row of the old database: its id as messages show it, its parsed values, and its problems."""

    label: str
    values: dict[str, Any]
    problems: list[str] = field(default_factory=list)


def _flag_duplicates(rows: list[SourceRow], column: str, rule: Callable[[Any, list[SourceRow]], str]) -> None:
    """Add a problem to every row that shares its value of ``column`` with another row (NULLs aside)."""
    holders = defaultdict(list)
    for row in rows:
        if row.values.get(column) is not None:
            holders[row.values[column]].append(row)
    for value, group in holders.items():
        if len(group) > 1:
            for row in group:
                row.problems.append(rule(value, [other for other in group if other is not row]))


def _row_ids(rows: list[SourceRow]) -> str:
    """Return "row id=3" or "rows id=3, 4" for a message."""
    return f"row{'s' if len(rows) > 1 else ''} id={', '.join(row.label for row in rows)}"


@dataclass
class Step:
    """What the import does with one source row: its kind, status, target values and the record it touches.

    ``user_step`` (a profile's) and ``address_step`` (a letting's) are the steps of the records it needs,
    which come earlier in the plan. A new letting's ``slug`` is the one it gets, ``wanted_slug`` the one it
    would get if no page held it; a skipped letting's ``holder`` is the page that holds its address.
    """

    kind: Kind
    label: str
    status: Status
    values: dict[str, Any] = field(default_factory=dict)
    target: Any = None
    differences: list[str] = field(default_factory=list)
    legacy_id: int | None = None
    user_step: "Step | None" = None
    address_step: "Step | None" = None
    slug: str | None = None
    wanted_slug: str | None = None
    holder: LettingPage | None = None


@dataclass
class ImportPlan:
    """Every step of an import, in the order they are written, and the problems that stop it."""

    layout: str
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[Kind, Counter]:
        """Return, per kind, how many rows have each status."""
        result = {kind: Counter() for kind in Kind}
        for step in self.steps:
            result[step.kind][step.status] += 1
        return result

    @property
    def writes(self) -> list[Step]:
        """Return the steps that write something."""
        return [step for step in self.steps if step.status in WRITTEN]

    @property
    def conflicts(self) -> list[Step]:
        """Return the steps left alone because the site holds other values."""
        return [step for step in self.steps if step.status is Status.CONFLICTING]

    @property
    def skipped(self) -> list[Step]:
        """Return the lettings left out because another page holds their address (RESTORE mode only)."""
        return [step for step in self.steps if step.status is Status.SKIPPED]


def _letting_slug(title: str, legacy_id: int, taken: set[str]) -> str:
    """Return the slug a new letting gets: the title's, ``letting-<old id>`` if it has none, free and never digits.

    As the site does (``LettingPage.prefix_a_numeric_slug``, then Wagtail), a slug of digits only gets ``letting-`` in
    front and a taken slug a suffix (-2, -3...); unlike Wagtail, the slug is cut to fit the field, so a long
    or expanding title (some characters become several) cannot fail at write time.
    """
    limit = LettingPage._meta.get_field("slug").max_length
    base = slugify(title, allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True))
    base = base or f"letting-{legacy_id}"
    if base.isdigit():
        base = f"letting-{base}"

    def fitted(tail: str) -> str:
        """Return the base, cut so that it fits with ``tail``, followed by ``tail``."""
        return base[: limit - len(tail)].rstrip("-") + tail

    slug, number = fitted(""), 1
    while slug.isdigit() or slug in taken:  # a cut slug may be digits only: the next suffix fixes that too
        number += 1
        slug = fitted(f"-{number}")
    return slug


def _messages(error: ValidationError) -> str:
    """Flatten a validation error into "field: message" text."""
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


class LegacyImport:
    """Plans and applies the import of one source of old-site records, in a given :class:`Mode`."""

    def __init__(
        self,
        source: RecordSource,
        *,
        mode: Mode = Mode.REPORT,
        on_new_letting: Callable[[LettingPage, Step], None] | None = None,
    ):
        """Keep the source and the options.

        ``on_new_letting`` is called with each new letting page and its step, once the page is in the tree
        and before its first revision is saved and published: a caller can add what the old site did not
        have (the demo adds a summary and a photo) to that first revision.
        """
        self.source = source
        self.mode = mode
        self.on_new_letting = on_new_letting
        self.index = LettingIndexPage.objects.first()

    def plan(self) -> ImportPlan:
        """Read and check every row and compare it with the site; nothing is written."""
        plan = ImportPlan(layout=self.source.layout)
        if self.index is None:
            plan.problems.append("The site has no lettings index page: run 'manage.py migrate' first.")
            return plan
        users = self._plan_users(plan)
        self._plan_profiles(plan, users)
        addresses = self._plan_addresses(plan)
        self._plan_lettings(plan, addresses)
        return plan

    def _reject(self, plan: ImportPlan, kind: Kind, table_kind: str, row_label, rule: str) -> None:
        """Record a row that breaks a rule of the new site."""
        table = self.source.tables[table_kind]
        plan.problems.append(f"{table} row id={row_label}: {rule}")
        plan.steps.append(Step(kind, f"{table} #{row_label}", Status.REJECTED))

    def _read(self, table_kind: str) -> list[SourceRow]:
        """Read every row of one kind, parse each column strictly, and flag bad values and duplicate ids."""
        rows = []
        for cells in self.source.rows(table_kind):
            row = SourceRow(label="", values={})
            for column, parse in COLUMN_TYPES[table_kind].items():
                try:
                    row.values[column] = parse(cells[column])
                except BadValueError as error:
                    hidden = column in HIDDEN_COLUMNS.get(table_kind, ())
                    row.problems.append(f"{column}: {error.hidden() if hidden else error}")
            row.label = str(row.values["id"]) if "id" in row.values else _shown(cells["id"])
            rows.append(row)
        by_id = defaultdict(list)
        for row in rows:
            if "id" in row.values:
                by_id[row.values["id"]].append(row)
        for old_id, group in by_id.items():
            if len(group) > 1:
                for place, row in enumerate(group, start=1):
                    row.label = f"{old_id} ({place} of {len(group)})"  # tells the rows that share an id apart
                    row.problems.append(f"id: {old_id} is used by {len(group)} rows")
        return rows

    def _compare(self, step: Step, current: dict[str, Any]) -> Step:
        """Set a matched step's status: unchanged, or conflicting/updated where values differ.

        The differences name the fields only ("password hash differs"): the report shows no value.
        """
        step.differences = [
            f"{DIFFERENCE_NAMES.get(name, name)} differs"
            for name, value in step.values.items()
            if current[name] != value
        ]
        if not step.differences:
            step.status = Status.UNCHANGED
        else:
            step.status = Status.UPDATED if self.mode is Mode.UPDATE else Status.CONFLICTING
        return step

    def _plan_users(self, plan: ImportPlan) -> dict[int, Step]:
        """Check each old user and match it by username."""
        user_model = get_user_model()
        existing = {user.username: user for user in user_model.objects.all()}
        rows = self._read("user")
        _flag_duplicates(
            rows, "username", lambda value, others: f"username: {value!r} is also used by {_row_ids(others)}"
        )
        steps = {}
        for row in rows:
            if row.problems:
                self._reject(plan, Kind.USERS, "user", row.label, "; ".join(row.problems))
                continue
            values = {name: row.values[name] for name in USER_FIELDS}
            username = row.values["username"]
            try:
                user_model(username=username, **values).full_clean(validate_unique=False)
            except ValidationError as error:
                self._reject(plan, Kind.USERS, "user", row.label, _messages(error))
                continue
            step = Step(Kind.USERS, username, Status.CREATED, values)
            if username in existing:
                step.target = existing[username]
                self._compare(step, {name: getattr(step.target, name) for name in USER_FIELDS})
            plan.steps.append(step)
            steps[row.values["id"]] = step
        return steps

    def _plan_profiles(self, plan: ImportPlan, users: dict[int, Step]) -> None:
        """Check each old profile; it needs an importable user of its own and is matched by that username."""
        existing = {profile.user.username: profile for profile in Profile.objects.select_related("user")}
        rows = self._read("profile")
        _flag_duplicates(
            rows, "user_id", lambda value, others: f"user_id: user {value} also has the profile {_row_ids(others)}"
        )
        for row in rows:
            if row.problems:
                self._reject(plan, Kind.PROFILES, "profile", row.label, "; ".join(row.problems))
                continue
            user_step = users.get(row.values["user_id"])
            if user_step is None:
                self._reject(
                    plan, Kind.PROFILES, "profile", row.label, f"user {row.values['user_id']} is missing or rejected"
                )
                continue
            values = {"favorite_city": row.values["favorite_city"]}
            try:
                Profile(**values).full_clean(exclude=["user"], validate_unique=False)
            except ValidationError as error:
                self._reject(plan, Kind.PROFILES, "profile", row.label, _messages(error))
                continue
            step = Step(Kind.PROFILES, user_step.label, Status.CREATED, values, user_step=user_step)
            if user_step.label in existing:
                step.target = existing[user_step.label]
                self._compare(step, {"favorite_city": step.target.favorite_city})
            plan.steps.append(step)

    def _plan_addresses(self, plan: ImportPlan) -> dict[int, Step]:
        """Check each old address (ZIP codes become five-digit text) and match it by old id."""
        existing = {address.legacy_id: address for address in Address.objects.filter(legacy_id__isnull=False)}
        steps = {}
        for row in self._read("address"):
            if row.problems:
                self._reject(plan, Kind.ADDRESSES, "address", row.label, "; ".join(row.problems))
                continue
            candidate = Address(**{name: row.values[name] for name in ADDRESS_FIELDS})
            try:
                candidate.full_clean(validate_unique=False)
            except ValidationError as error:
                self._reject(plan, Kind.ADDRESSES, "address", row.label, _messages(error))
                continue
            values = {name: getattr(candidate, name) for name in ADDRESS_FIELDS}
            legacy_id = row.values["id"]
            step = Step(Kind.ADDRESSES, f"address #{legacy_id}", Status.CREATED, values, legacy_id=legacy_id)
            if legacy_id in existing:
                step.target = existing[legacy_id]
                self._compare(step, {name: getattr(step.target, name) for name in ADDRESS_FIELDS})
            plan.steps.append(step)
            steps[legacy_id] = step
        return steps

    def _plan_lettings(self, plan: ImportPlan, addresses: dict[int, Step]) -> None:
        """Check each old letting; it needs an importable address of its own and is matched by old id.

        A new letting's slug is decided here, free among the index's pages and the other new lettings, and
        every letting that will be written is checked as it will be saved (``full_clean``). A letting whose
        address another page of the site holds is refused, or in RESTORE mode skipped.
        """
        existing = {page.legacy_id: page for page in LettingPage.objects.filter(legacy_id__isnull=False)}
        taken_slugs = set(self.index.get_children().values_list("slug", flat=True))
        # The site's lettings by the old id of their address: a letting written here must not take another's.
        holders = {
            page.address.legacy_id: page
            for page in LettingPage.objects.filter(address__legacy_id__isnull=False).select_related("address")
        }
        title_limit = LettingPage._meta.get_field("title").max_length
        used_addresses = set()
        for row in self._read("letting"):
            if row.problems:
                self._reject(plan, Kind.LETTINGS, "letting", row.label, "; ".join(row.problems))
                continue
            address_id = row.values["address_id"]
            if address_id not in addresses:
                rule = f"address {address_id} is missing from {self.source.tables['address']} or rejected"
                self._reject(plan, Kind.LETTINGS, "letting", row.label, rule)
                continue
            if address_id in used_addresses:
                rule = f"address {address_id} already belongs to another letting"
                self._reject(plan, Kind.LETTINGS, "letting", row.label, rule)
                continue
            title = row.values["title"].strip()
            if not title or len(title) > title_limit:
                rule = f"title: must be 1 to {title_limit} characters (it has {len(title)})"
                self._reject(plan, Kind.LETTINGS, "letting", row.label, rule)
                continue
            used_addresses.add(address_id)
            legacy_id = row.values["id"]
            values = {"title": title, "address_legacy_id": address_id}
            step = Step(
                Kind.LETTINGS,
                f"letting #{legacy_id} ({title})",
                Status.CREATED,
                values,
                legacy_id=legacy_id,
                address_step=addresses[address_id],
            )
            if legacy_id in existing:
                step.target = existing[legacy_id]
                current_address = step.target.address.legacy_id if step.target.address else None
                self._compare(step, {"title": step.target.title, "address_legacy_id": current_address})
            holder = holders.get(address_id)
            if step.status in WRITTEN and holder is None and step.address_step.target is not None:
                # A draft or a scheduled revision of another letting may name the address: it is promised.
                holder = LettingPage(pk=step.target.pk if step.target else None).letting_whose_revision_names(
                    step.address_step.target.pk
                )
            if step.status in WRITTEN and holder is not None and holder != step.target:
                if self.mode is Mode.RESTORE:
                    # The site's editors gave the address to that page (or cleared its old id): it stays theirs.
                    step.status, step.holder = Status.SKIPPED, holder
                    plan.steps.append(step)
                    continue
                held_as = "no old-site id" if holder.legacy_id is None else f"the old-site id {holder.legacy_id}"
                rule = (
                    f"address {address_id} belongs to the site's letting {holder.title!r} (page {holder.pk}, {held_as})"
                )
                self._reject(plan, Kind.LETTINGS, "letting", row.label, rule)
                continue
            if step.status is Status.CREATED:
                step.slug = _letting_slug(title, legacy_id, taken_slugs)
                step.wanted_slug = _letting_slug(title, legacy_id, taken=set())
            if step.status in WRITTEN:
                rule = self._letting_rule_broken(step)
                if rule:
                    self._reject(plan, Kind.LETTINGS, "letting", row.label, rule)
                    continue
            if step.slug:
                taken_slugs.add(step.slug)
            plan.steps.append(step)

    def _letting_rule_broken(self, step: Step) -> str | None:
        """Return what the letting ``step`` would write breaks (``full_clean``, as the write step runs it), or None.

        The address is left out: planning has checked it is importable and free. A new page is checked
        outside the tree, its slug having been chosen free of its future siblings; an updated page in place.
        """
        if step.target is None:
            candidate = LettingPage(
                title=step.values["title"], slug=step.slug, legacy_id=step.legacy_id, locale_id=self.index.locale_id
            )
            exclude = ["address", "path", "depth"]
        else:
            candidate = copy.copy(step.target)
            candidate.title = candidate.draft_title = step.values["title"]
            exclude = ["address"]
        try:
            candidate.full_clean(exclude=exclude)
        except ValidationError as error:
            if step.target is None:
                return _messages(error)
            return f"the site's letting page {step.target.pk} cannot be saved: {_messages(error)}"
        return None

    @transaction.atomic
    def apply(self, plan: ImportPlan) -> None:
        """Write every created or updated record of ``plan`` in one transaction, in the plan's order.

        The plan lists users before profiles and addresses before lettings, so the user or address a record
        needs is written, or was matched, before the record itself.
        """
        if plan.problems:
            raise ValueError("A plan with problems cannot be applied.")
        writers: dict[Kind, Callable[[Step], None]] = {
            Kind.USERS: self._write_user,
            Kind.PROFILES: self._write_profile,
            Kind.ADDRESSES: self._write_address,
            Kind.LETTINGS: self._write_letting_step,
        }
        for step in plan.writes:
            writers[step.kind](step)
        counts = {
            str(kind): {str(status): number for status, number in count.items()}
            for kind, count in plan.counts().items()
        }
        logger.info("Legacy import applied: %s", counts)

    def _write_user(self, step: Step) -> None:
        """Create or update a user, password hash included."""
        user = step.target or get_user_model()(username=step.label)
        for name, value in step.values.items():
            setattr(user, name, value)
        user.save()
        step.target = user

    def _write_profile(self, step: Step) -> None:
        """Create or update a profile, for the user its user step wrote or matched."""
        profile = step.target or Profile(user=step.user_step.target)
        profile.favorite_city = step.values["favorite_city"]
        profile.save()
        step.target = profile

    def _write_address(self, step: Step) -> None:
        """Create or update an address, keeping its old id."""
        address = step.target or Address(legacy_id=step.legacy_id)
        for name, value in step.values.items():
            setattr(address, name, value)
        address.save()
        step.target = address

    def _write_letting_step(self, step: Step) -> None:
        """Write a letting on the address its address step wrote or matched (see :meth:`_write_letting`)."""
        self._write_letting(step, step.address_step.target)

    def _write_letting(self, step: Step, address: Address) -> None:
        """Create or update a letting page and publish it; a new page goes through ``on_new_letting`` first."""
        if step.target is None:
            letting = LettingPage(
                title=step.values["title"], slug=step.slug, address=address, legacy_id=step.legacy_id, live=False
            )
            self.index.add_child(instance=letting)
            if self.on_new_letting is not None:
                self.on_new_letting(letting, step)
        else:
            letting = step.target
            letting.title = step.values["title"]
            letting.draft_title = letting.title
            letting.address = address
            letting.save()
        letting.save_revision(log_action=True).publish()
        step.target = letting
