"""Bringing an old-site database into the Wagtail site: validate everything, then write in one transaction.

The import runs in two phases. :meth:`LegacyImport.plan` reads every row, checks it against the new
site's rules and compares it with what the site already holds; it writes nothing. Only when no row
was rejected does :meth:`LegacyImport.apply` write the plan, inside one transaction, so a failure
part-way leaves the database as it was. Records are matched by natural keys: users and profiles by
username, addresses and lettings by their old-site id (``legacy_id``).
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware

from lettings.models import Address, LettingIndexPage, LettingPage
from profiles.models import Profile

from .source import LegacySource

logger = logging.getLogger(__name__)

KINDS = ("users", "profiles", "addresses", "lettings")
STATUSES = ("created", "unchanged", "updated", "conflicting", "rejected")
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


@dataclass
class Step:
    """What the import does with one source row: its kind, status, target values and the record it touches."""

    kind: str
    label: str
    status: str
    values: dict[str, Any] = field(default_factory=dict)
    target: Any = None
    differences: list[str] = field(default_factory=list)
    legacy_id: int | None = None
    user_step: "Step | None" = None


@dataclass
class ImportPlan:
    """Every step of an import, and the problems that stop it."""

    layout: str
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Counter]:
        """Return, per kind, how many rows have each status."""
        result = {kind: Counter() for kind in KINDS}
        for step in self.steps:
            result[step.kind][step.status] += 1
        return result

    @property
    def writes(self) -> list[Step]:
        """Return the steps that write something."""
        return [step for step in self.steps if step.status in ("created", "updated")]

    @property
    def conflicts(self) -> list[Step]:
        """Return the steps left alone because the site holds other values."""
        return [step for step in self.steps if step.status == "conflicting"]


def _timestamp(value):
    """Return an old-site timestamp (naive UTC text) as an aware datetime, or None."""
    if value in (None, ""):
        return None
    moment = parse_datetime(str(value))
    if moment is None:
        raise ValueError(f"{value!r} is not a date and time")
    return make_aware(moment, UTC) if is_naive(moment) else moment


def _messages(error: ValidationError) -> str:
    """Flatten a validation error into "field: message" text."""
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


class LegacyImport:
    """Plans and applies the import of one old-site database; ``update`` overwrites conflicting records."""

    def __init__(self, source: LegacySource, *, update: bool = False):
        """Keep the source and the options."""
        self.source = source
        self.update = update
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

    def _reject(self, plan: ImportPlan, kind: str, table_kind: str, row_id, rule: str) -> None:
        """Record a row that breaks a rule of the new site."""
        table = self.source.tables[table_kind]
        plan.problems.append(f"{table} row id={row_id}: {rule}")
        plan.steps.append(Step(kind, f"{table} #{row_id}", "rejected"))

    def _compare(self, step: Step, current: dict[str, Any]) -> Step:
        """Set a matched step's status: unchanged, or conflicting/updated where values differ."""
        step.differences = [
            f"{name}: site has {current[name]!r}, old site has {value!r}"
            for name, value in step.values.items()
            if current[name] != value
        ]
        if not step.differences:
            step.status = "unchanged"
        else:
            step.status = "updated" if self.update else "conflicting"
        return step

    def _plan_users(self, plan: ImportPlan) -> dict[int, Step]:
        """Check each old user and match it by username."""
        user_model = get_user_model()
        existing = {user.username: user for user in user_model.objects.all()}
        steps = {}
        for row in self.source.rows("user"):
            try:
                values = {name: row[name] for name in USER_FIELDS}
                for flag in ("is_active", "is_staff", "is_superuser"):
                    values[flag] = bool(values[flag])
                values["first_name"] = values["first_name"] or ""
                values["last_name"] = values["last_name"] or ""
                values["email"] = values["email"] or ""
                values["date_joined"] = _timestamp(values["date_joined"])
                values["last_login"] = _timestamp(values["last_login"])
                user_model(username=row["username"], **values).full_clean(validate_unique=False)
            except (ValidationError, ValueError, TypeError) as error:
                rule = _messages(error) if isinstance(error, ValidationError) else str(error)
                self._reject(plan, "users", "user", row["id"], rule)
                continue
            step = Step("users", row["username"], "created", values)
            if row["username"] in existing:
                step.target = existing[row["username"]]
                self._compare(step, {name: getattr(step.target, name) for name in USER_FIELDS})
            plan.steps.append(step)
            steps[row["id"]] = step
        return steps

    def _plan_profiles(self, plan: ImportPlan, users: dict[int, Step]) -> None:
        """Check each old profile; it needs an importable user and is matched by that username."""
        existing = {profile.user.username: profile for profile in Profile.objects.select_related("user")}
        for row in self.source.rows("profile"):
            user_step = users.get(row["user_id"])
            if user_step is None:
                self._reject(plan, "profiles", "profile", row["id"], f"user {row['user_id']} is missing or rejected")
                continue
            values = {"favorite_city": row["favorite_city"] or ""}
            if len(values["favorite_city"]) > 64:
                self._reject(plan, "profiles", "profile", row["id"], "favorite_city: at most 64 characters")
                continue
            step = Step("profiles", user_step.label, "created", values, user_step=user_step)
            if user_step.label in existing:
                step.target = existing[user_step.label]
                self._compare(step, {"favorite_city": step.target.favorite_city})
            plan.steps.append(step)

    def _plan_addresses(self, plan: ImportPlan) -> dict[int, Step]:
        """Check each old address (ZIP codes become five-digit text) and match it by old id."""
        existing = {address.legacy_id: address for address in Address.objects.filter(legacy_id__isnull=False)}
        steps = {}
        for row in self.source.rows("address"):
            zip_code = row["zip_code"]
            if isinstance(zip_code, int) and not isinstance(zip_code, bool):
                zip_code = f"{zip_code:05d}" if 0 <= zip_code <= 99999 else str(zip_code)
            values = {name: row[name] for name in ADDRESS_FIELDS}
            values["zip_code"] = str(zip_code)
            candidate = Address(**values)
            try:
                candidate.full_clean(validate_unique=False)
            except ValidationError as error:
                self._reject(plan, "addresses", "address", row["id"], _messages(error))
                continue
            values = {name: getattr(candidate, name) for name in ADDRESS_FIELDS}
            step = Step("addresses", f"address #{row['id']} ({candidate})", "created", values, legacy_id=row["id"])
            if row["id"] in existing:
                step.target = existing[row["id"]]
                self._compare(step, {name: getattr(step.target, name) for name in ADDRESS_FIELDS})
            plan.steps.append(step)
            steps[row["id"]] = step
        return steps

    def _plan_lettings(self, plan: ImportPlan, addresses: dict[int, Step]) -> None:
        """Check each old letting; it needs an importable address of its own and is matched by old id."""
        existing = {page.legacy_id: page for page in LettingPage.objects.filter(legacy_id__isnull=False)}
        title_limit = LettingPage._meta.get_field("title").max_length
        used_addresses = set()
        for row in self.source.rows("letting"):
            address_step = addresses.get(row["address_id"])
            if address_step is None:
                rule = f"address {row['address_id']} is missing from {self.source.tables['address']} or rejected"
                self._reject(plan, "lettings", "letting", row["id"], rule)
                continue
            if row["address_id"] in used_addresses:
                rule = f"address {row['address_id']} already belongs to another letting"
                self._reject(plan, "lettings", "letting", row["id"], rule)
                continue
            title = (row["title"] or "").strip()
            if not title or len(title) > title_limit:
                rule = f"title: must be 1 to {title_limit} characters (it has {len(title)})"
                self._reject(plan, "lettings", "letting", row["id"], rule)
                continue
            used_addresses.add(row["address_id"])
            values = {"title": title, "address_legacy_id": row["address_id"]}
            step = Step("lettings", f"letting #{row['id']} ({title})", "created", values, legacy_id=row["id"])
            if row["id"] in existing:
                step.target = existing[row["id"]]
                current_address = step.target.address.legacy_id if step.target.address else None
                self._compare(step, {"title": step.target.title, "address_legacy_id": current_address})
            plan.steps.append(step)

    @transaction.atomic
    def apply(self, plan: ImportPlan) -> None:
        """Write every created or updated record of ``plan`` in one transaction."""
        if plan.problems:
            raise ValueError("A plan with problems cannot be applied.")
        user_model = get_user_model()
        for step in plan.writes:
            if step.kind == "users":
                user = step.target or user_model(username=step.label)
                for name, value in step.values.items():
                    setattr(user, name, value)
                user.save()
                step.target = user
            elif step.kind == "profiles":
                profile = step.target or Profile(user=step.user_step.target)
                profile.favorite_city = step.values["favorite_city"]
                profile.save()
            elif step.kind == "addresses":
                address = step.target or Address(legacy_id=step.legacy_id)
                for name, value in step.values.items():
                    setattr(address, name, value)
                address.save()
                step.target = address
        addresses = {address.legacy_id: address for address in Address.objects.filter(legacy_id__isnull=False)}
        for step in plan.writes:
            if step.kind == "lettings":
                self._write_letting(step, addresses[step.values["address_legacy_id"]])
        logger.info("Legacy import applied: %s", {kind: dict(count) for kind, count in plan.counts().items()})

    def _write_letting(self, step: Step, address: Address) -> None:
        """Create or update a letting page and publish it."""
        if step.target is None:
            letting = LettingPage(title=step.values["title"], address=address, legacy_id=step.legacy_id, live=False)
            self.index.add_child(instance=letting)
        else:
            letting = step.target
            letting.title = step.values["title"]
            letting.draft_title = letting.title
            letting.address = address
            letting.save()
        letting.save_revision(log_action=True).publish()
