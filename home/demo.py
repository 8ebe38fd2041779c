"""Building the demo site from ``demo_data/demo_data.json``: the old site's records plus demo accounts.

Kept apart from the command so that tests and other commands can call it. Every step looks for
what exists first, so a second run creates nothing and changes nothing.

Editors change the site between runs, so a later run only restores what is missing and changes
no record that exists: a deleted letting comes back on its old address when that address is still
free, and is left out, with a note saying why, when another letting holds that address now; a
letting whose slug another page took comes back under the next free slug, with a note. A deleted
user, profile, address or group comes back too. Everything happens in one transaction.
"""

import io
import json
import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.timezone import is_naive, make_aware
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from lettings.models import Address, LettingIndexPage, LettingPage, LettingPageGalleryImage
from profiles.models import Profile, ProfileIndexPage

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
PHOTO_COLOURS = ("#c2410c", "#0f766e", "#1d4ed8", "#7c3aed", "#b45309", "#be123c")


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


def _aware(value: str | None):
    """Parse a stored timestamp as UTC."""
    if not value:
        return None
    moment = parse_datetime(value)
    return make_aware(moment) if is_naive(moment) else moment


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
        """Create whatever is missing, all in one transaction, and return the report."""
        index = LettingIndexPage.objects.first()
        if index is None:
            raise ValidationError("The site has no lettings index page: run 'manage.py migrate' first.")
        users = self._load_users()
        self._load_profiles(users)
        self._load_lettings(index)
        self._load_staff()
        self._load_intros(index)
        return self.report

    def _load_users(self) -> dict:
        """Create the old site's users with their stored password hashes."""
        user_model = get_user_model()
        users = {}
        for record in self.data["users"]:
            username = record["username"]
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = user_model(
                    username=username,
                    first_name=record["first_name"],
                    last_name=record["last_name"],
                    email=record["email"],
                    password=record["password"],
                    is_active=record["is_active"],
                    is_staff=record["is_staff"],
                    is_superuser=record["is_superuser"],
                    date_joined=_aware(record["date_joined"]),
                    last_login=_aware(record["last_login"]),
                )
                login_password = self._password(username) if username in DEMO_PASSWORDS else None
                if login_password and self.random_passwords:
                    user.set_password(login_password)
                user.full_clean()
                user.save()
                self.report.count("users")
                logger.info("Demo data: created user %s", username)
                if login_password:
                    role = "superuser" if user.is_superuser else "user"
                    self.report.logins.append((username, login_password, role))
            users[username] = user
        return users

    def _load_profiles(self, users: dict) -> None:
        """Create the old site's profiles for their users."""
        for record in self.data["profiles"]:
            user = users[record["username"]]
            if not Profile.objects.filter(user=user).exists():
                profile = Profile(user=user, favorite_city=record["favorite_city"])
                profile.full_clean()
                profile.save()
                self.report.count("profiles")

    def _load_lettings(self, index: LettingIndexPage) -> None:
        """Create each missing letting's published page (and its address if missing), with a demo photo."""
        for position, record in enumerate(self.data["lettings"]):
            if LettingPage.objects.filter(legacy_id=record["legacy_id"]).exists():
                continue
            address = self._address_for(record)
            if address is None:
                continue
            letting = LettingPage(
                title=record["title"],
                address=address,
                summary=record["summary"],
                body=(
                    f"<p>{record['title']} comes from our original catalogue. "
                    "Get in touch to check that it is free on the dates you want.</p>"
                ),
                legacy_id=record["legacy_id"],
                live=False,
            )
            index.add_child(instance=letting)
            wanted_slug = slugify(letting.title, allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True))
            if letting.slug != wanted_slug:
                self.report.note(
                    f"Letting {letting.title!r} (old id {letting.legacy_id}) restored with the slug {letting.slug}: "
                    f"another page holds {wanted_slug}."
                )
            if self.with_photos:
                self._add_photo(letting, PHOTO_COLOURS[position % len(PHOTO_COLOURS)])
            letting.save_revision(log_action=True).publish()
            self.report.count("lettings")
            logger.info("Demo data: published letting %r (old id %s)", letting.title, letting.legacy_id)

    def _address_for(self, record: dict) -> Address | None:
        """Return the address a missing letting gets, or None (with a note) when another letting holds it.

        A deleted letting leaves its address, with the address's old id, behind: the letting gets it back
        unless an editor has since given it to another letting, which is then left alone.
        """
        fields = record["address"]
        legacy_id = fields.get("legacy_id")
        address = Address.objects.filter(legacy_id=legacy_id).first() if legacy_id is not None else None
        if address is None:
            address = Address(**fields)
            address.full_clean()
            address.save()
            self.report.count("addresses")
            return address
        holder = LettingPage.objects.filter(address=address).first()
        if holder is not None:
            self.report.note(
                f"Letting {record['title']!r} (old id {record['legacy_id']}) not restored: its address "
                f"(old id {legacy_id}) now belongs to the letting {holder.title!r} (page {holder.pk}). "
                "Give that letting another address, or delete it, and run this command again to restore it."
            )
            return None
        logger.info("Demo data: letting %r gets back its address %s", record["title"], address)
        return address

    def _add_photo(self, letting: LettingPage, colour: str) -> None:
        """Give a letting one generated photo in its gallery."""
        image = get_image_model()(title=f"{letting.title} (demo photo)", file=_demo_photo(letting.title, colour))
        image.save()
        LettingPageGalleryImage.objects.create(
            page=letting, image=image, alt_text=f"Illustration of {letting.title}", sort_order=0
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
        """Give the home page and both listings an introduction where they have none yet."""
        pages = {"home": HomePage.objects.first(), "lettings": index, "profiles": ProfileIndexPage.objects.first()}
        for key, page in pages.items():
            if page is not None and not page.intro:
                page.intro = INTROS[key]
                page.save_revision(log_action=True).publish()
                self.report.count("introductions")
