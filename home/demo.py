"""Building the demo site from ``demo_data/demo_data.json``: the old site's records plus demo accounts.

The old site's users, profiles, addresses and lettings go through the old-site importer
(:class:`legacy.importer.LegacyImport`, reading the file through :class:`legacy.json_source.JsonSource`),
so they follow the same rules as an import of the old database. This module adds only what is the demo's
own: the editor and moderator accounts, the demo passwords, each letting's summary, body and photo, the
pages' introductions, the groups, and the report.

Kept apart from the command so that tests and other commands can call it. Every step looks for
what exists first, so a second run creates nothing and changes nothing.

Editors change the site between runs, so a later run only restores what is missing and changes
no record that exists (the importer's RESTORE mode): a deleted letting comes back on its old address
when that address is still free, and is left out, with a note saying why, when another letting holds
that address now; a letting whose slug another page took comes back under the next free slug, with a
note. A deleted user, profile, address or group comes back too. Everything happens in one transaction.
"""

import io
import json
import logging
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Site

from enquiries.models import EnquirySettings
from legacy.importer import ImportPlan, Kind, LegacyImport, Mode, Status, Step
from legacy.json_source import JsonSource
from lettings.calendar import month_starts
from lettings.models import (
    Amenity,
    BookedPeriod,
    CalendarFeed,
    LettingIndexPage,
    LettingPage,
    LettingPageGalleryImage,
)
from pages.models import ContentPage
from profiles.models import ProfileIndexPage

from .groups import EDITORS, MODERATORS, grant_group_permissions
from .models import HomePage

logger = logging.getLogger(__name__)

DEMO_DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "demo_data.json"
# Demo-only passwords, printed by the command; production runs (--force) get random ones instead.
DEMO_PASSWORDS = {"admin": "Abc1234!", "editor": "Editor1234!", "moderator": "Moderator1234!"}
DEMO_STAFF = (
    {"username": "editor", "first_name": "Eddie", "last_name": "Editor", "group": EDITORS},
    {"username": "moderator", "first_name": "Mona", "last_name": "Moderator", "group": MODERATORS},
)
INTROS = {
    "home": "<p>Holiday homes across the United States, from desert hideaways to lakeside retreats.</p>",
    "lettings": "<p>Every home we let, with its address and photos. Filter by state or city.</p>",
    "profiles": "<p>The people who stay with us, and the cities they love.</p>",
}
PRIVACY_NOTICE = {
    "title": "Privacy notice",
    "slug": "privacy",
    "intro": "<p>What we keep when you ask about a home, why, and for how long.</p>",
    "body": (
        "<h2>What we keep</h2>"
        "<p>When you send an enquiry we keep your name, e-mail address, phone number if you give one, the dates "
        "and number of guests you ask about, and your message.</p>"
        "<h2>Why</h2>"
        "<p>Only to answer your enquiry. We do not share your details, and we do not send you marketing.</p>"
        "<h2>For how long</h2>"
        "<p>We delete an enquiry a year after it came in. Ask us by e-mail and we delete it sooner.</p>"
    ),
}
PHOTO_COLOURS = ("#c2410c", "#0f766e", "#1d4ed8", "#7c3aed", "#b45309", "#be123c")


class DemoDataError(Exception):
    """The demo data breaks the site's rules, or the site lacks its pages: nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class DemoReport:
    """What a run created, what it left alone and why, and the logins to print."""

    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str) -> None:
        """Count one created record of ``kind``."""
        self.created[kind] = self.created.get(kind, 0) + 1

    def note(self, message: str) -> None:
        """Record something the person running the command should know (a record left out or moved)."""
        self.notes.append(message)

    @property
    def changed_anything(self) -> bool:
        """Return whether the run created anything."""
        return bool(self.created)


def read_demo_data(path: Path = DEMO_DATA_FILE) -> dict:
    """Read and return the demo data file."""
    with path.open(encoding="utf-8") as data_file:
        return json.load(data_file)


def _demo_photo(title: str, colour: str) -> ImageFile:
    """Draw a simple 1200 by 800 illustration of a house, so demo cards show a real responsive image."""
    canvas = PILImage.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 560, 1200, 800), fill="#fef3c7")
    draw.polygon([(380, 360), (600, 180), (820, 360)], fill="#ffffff")
    draw.rectangle((420, 360, 780, 600), fill="#ffffff")
    draw.rectangle((560, 460, 640, 600), fill=colour)
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=85)
    return ImageFile(buffer, name=f"demo-{slugify(title)[:40]}.jpg")


class DemoDataLoader:
    """Loads the demo data into the site; ``random_passwords`` is for a forced run in production."""

    def __init__(self, data: dict, *, random_passwords: bool = False, with_photos: bool = True):
        """Keep the data and the options; nothing is written until :meth:`load`."""
        self.data = data
        self.random_passwords = random_passwords
        self.with_photos = with_photos
        self.report = DemoReport()

    def _password(self, username: str) -> str:
        """Return the password a new demo account gets."""
        return secrets.token_urlsafe(12) if self.random_passwords else DEMO_PASSWORDS[username]

    @transaction.atomic
    def load(self) -> DemoReport:
        """Create whatever is missing, all in one transaction, and return the report.

        Raise :class:`DemoDataError` if a record breaks the site's rules, or
        :class:`legacy.source.LegacySourceError` if the file lacks a list or a key; nothing is written then.
        """
        importer = LegacyImport(
            JsonSource(self.data, name="The demo data"), mode=Mode.RESTORE, on_new_letting=self._furnish_letting
        )
        plan = importer.plan()
        if plan.problems:
            raise DemoDataError(plan.problems)
        self._report_plan(plan)
        importer.apply(plan)
        self._give_logins(plan)
        self._load_staff()
        self._load_intros(importer.index)
        self._load_privacy_notice()
        return self.report

    def _report_plan(self, plan: ImportPlan) -> None:
        """Count what the import creates, and note each letting it leaves out or restores under another slug."""
        for step in plan.writes:
            self.report.count(step.kind)
        for step in plan.steps:
            if step.kind is not Kind.LETTINGS:
                continue
            title, old_id = step.values["title"], step.legacy_id
            if step.status is Status.SKIPPED:
                holder = step.holder
                self.report.note(
                    f"Letting {title!r} (old id {old_id}) not restored: its address "
                    f"(old id {step.values['address_legacy_id']}) now belongs to the letting {holder.title!r} "
                    f"(page {holder.pk}). Give that letting another address, or delete it, and run this command "
                    "again to restore it."
                )
            elif step.status is Status.CREATED and step.slug != step.wanted_slug:
                self.report.note(
                    f"Letting {title!r} (old id {old_id}) restored with the slug {step.slug}: "
                    f"another page holds {step.wanted_slug}."
                )

    def _give_logins(self, plan: ImportPlan) -> None:
        """List the login of each old-site account the demo documents (admin) that this run created.

        Its stored hash is of the demo password; in production it gets a random password instead.
        """
        for step in plan.writes:
            if step.kind is not Kind.USERS or step.label not in DEMO_PASSWORDS:
                continue
            user = step.target
            password = self._password(user.username)
            if self.random_passwords:
                user.set_password(password)
                user.save(update_fields=["password"])
            self.report.logins.append((user.username, password, "superuser" if user.is_superuser else "user"))

    @cached_property
    def _letting_records(self) -> dict[int, tuple[int, dict]]:
        """Return each letting's place in the file and its record, by old id (read once the import checked them)."""
        return {record["legacy_id"]: (place, record) for place, record in enumerate(self.data["lettings"])}

    def _furnish_letting(self, letting: LettingPage, step: Step) -> None:
        """Give a letting the import creates the demo's summary, body and photo, before its first publication."""
        place, record = self._letting_records[step.legacy_id]
        letting.summary = record.get("summary", "")
        letting.body = (
            f"<p>{escape(letting.title)} comes from our original catalogue. "
            "Get in touch to check that it is free on the dates you want.</p>"
        )
        self._add_facts(letting, record)
        if self.with_photos:
            for number in range(record.get("photos", 1)):
                self._add_photo(letting, PHOTO_COLOURS[(place + number) % len(PHOTO_COLOURS)], number)
        logger.info("Demo data: publishing letting %r (old id %s)", letting.title, letting.legacy_id)

    def _amenities(self) -> dict[str, Amenity]:
        """Return the demo amenities by name, creating those that are missing (an editor's are left alone)."""
        if not hasattr(self, "_amenities_by_name"):
            self._amenities_by_name = {}
            for record in self.data.get("amenities", []):
                amenity, created = Amenity.objects.get_or_create(name=record["name"], defaults={"icon": record["icon"]})
                if created:
                    self.report.count("amenities")
                self._amenities_by_name[amenity.name] = amenity
        return self._amenities_by_name

    def _add_facts(self, letting: LettingPage, record: dict) -> None:
        """Give a new letting the demo's facts, amenities and booked nights, and its address a place on the map.

        Booked nights are months from the current one, so the demo calendar always shows some.
        """
        for name, value in record.get("facts", {}).items():
            setattr(letting, name, value)
        letting.full_clean(exclude=["address", "path", "depth", "slug"])
        amenities = self._amenities()
        letting.amenities = [amenities[name] for name in record.get("amenities", [])]
        address = letting.address
        if record.get("coordinates") and address is not None and not address.has_coordinates:
            address.latitude, address.longitude = (Decimal(str(value)) for value in record["coordinates"])
            address.full_clean()
            address.save(update_fields=["latitude", "longitude"])
        today = timezone.localdate()
        for months_ahead, first_night, departure in record.get("booked", []):
            month = month_starts(today, months_ahead + 1)[-1]
            period = BookedPeriod(
                letting=letting, start=month.replace(day=first_night), end=month.replace(day=departure), note="Demo"
            )
            period.full_clean()
            period.save()
            self.report.count("booked periods")
        if channel := record.get("channel_feed"):
            # The demo's other channel is the site itself (home.demo_feed): sync_calendars imports from it.
            site = Site.objects.filter(is_default_site=True).first()
            if site is None:
                self.report.note(f"No default site: {letting.title} gets no demo calendar feed.")
                return
            path = reverse("demo_channel_feed", args=[record["legacy_id"]])
            CalendarFeed.objects.create(letting=letting, source=channel["source"], url=f"{site.root_url}{path}")
            self.report.count("calendar feeds")

    def _add_photo(self, letting: LettingPage, colour: str, number: int = 0) -> None:
        """Give a letting a generated photo in its gallery, in place ``number`` (the first is the card's)."""
        view = f", view {number + 1}" if number else ""
        image = get_image_model()(
            title=f"{letting.title} (demo photo{view})", file=_demo_photo(f"{letting.title}{view}", colour)
        )
        image.save()
        LettingPageGalleryImage.objects.create(
            page=letting, image=image, alt_text=f"Illustration of {letting.title}{view}", sort_order=number
        )
        self.report.count("images")

    def _load_staff(self) -> None:
        """Create the editor and moderator accounts in their groups."""
        user_model = get_user_model()
        for record in DEMO_STAFF:
            username = record["username"]
            if user_model.objects.filter(username=username).exists():
                continue
            password = self._password(username)
            user = user_model(username=username, first_name=record["first_name"], last_name=record["last_name"])
            user.email = f"{username}@example.com"
            user.set_password(password)
            user.full_clean()
            user.save()
            user.groups.add(self._group(record["group"]))
            self.report.count("users")
            self.report.logins.append((username, password, record["group"].lower().rstrip("s")))

    def _group(self, name: str) -> Group:
        """Return the Editors or Moderators group, recreating both with their permissions if one was deleted."""
        group = Group.objects.filter(name=name).first()
        if group is None:
            grant_group_permissions()
            group = Group.objects.get(name=name)
            self.report.count("groups")
            self.report.note(f"The {name} group was missing: recreated with its permissions.")
        return group

    def _load_intros(self, index: LettingIndexPage) -> None:
        """Give the home page and both listings an introduction where they have none yet.

        Only a live page without a draft gets one: publishing would put an unpublished page back on
        the site, or publish an editor's draft with it.
        """
        pages = {"home": HomePage.objects.first(), "lettings": index, "profiles": ProfileIndexPage.objects.first()}
        for key, page in pages.items():
            if page is not None and page.live and not page.has_unpublished_changes and not page.intro:
                page.intro = INTROS[key]
                page.save_revision(log_action=True).publish()
                self.report.count("introductions")

    def _load_privacy_notice(self) -> None:
        """Publish the privacy notice under the home page when none is there, and link the enquiry form to it.

        An editor's own choice stands: the setting is filled only while it is empty, and a page that
        holds the slug already is taken as the notice rather than replaced.
        """
        home = HomePage.objects.first()
        if home is None:
            return
        holder = home.get_children().filter(slug=PRIVACY_NOTICE["slug"]).specific().first()
        if holder is not None and not isinstance(holder, ContentPage):
            self.report.note(
                f"No privacy notice published: the page {holder.title!r} (page {holder.pk}) holds its address "
                f"/{PRIVACY_NOTICE['slug']}/. Choose the notice under Settings > Enquiry settings."
            )
            return
        notice = holder
        if notice is None:
            notice = ContentPage(**PRIVACY_NOTICE)
            home.add_child(instance=notice)
            notice.save_revision(log_action=True).publish()
            self.report.count("content pages")
        enquiry_settings = EnquirySettings.load()
        if enquiry_settings.privacy_page_id is None:
            enquiry_settings.privacy_page = notice
            enquiry_settings.save()
            self.report.count("settings")
