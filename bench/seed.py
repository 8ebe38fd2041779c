"""Seed N lettings (addresses, facts, amenities, booked periods, a photo each, profiles) in bulk, for the benchmark.

Run as ``python bench/seed.py N`` with ``DATABASE_URL`` pointing at a migrated, empty benchmark
database. Pages are written with ``bulk_create`` and one multi-row insert per batch, with the tree
paths computed here, so 100,000 lettings take minutes, not hours; ``manage.py fixtree`` accepts the
result.
"""

import datetime
import os
import random
import sys
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.production")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.images import get_image_model  # noqa: E402
from wagtail.images.tests.utils import get_test_image_file  # noqa: E402
from wagtail.models import Page  # noqa: E402

from core.migration_helpers import path_step  # noqa: E402
from lettings.choices import PROPERTY_TYPES  # noqa: E402
from lettings.models import (  # noqa: E402
    AMENITY_ICONS,
    Address,
    Amenity,
    BookedPeriod,
    LettingIndexPage,
    LettingPage,
    LettingPageGalleryImage,
)
from lettings.us_states import US_STATES  # noqa: E402
from profiles.models import Profile  # noqa: E402

BATCH = 5000
CITIES = ["Brunswick", "Willoughby", "Newport News", "Marquette", "Aliquippa", "East Meadow", "Savannah", "Salem"]


def facts(n: int) -> tuple:
    """Return letting ``n``'s facts: type, sleeps, bedrooms, beds, bathrooms, price, minimum nights, pets.

    Spread so that every filter matches a steady share of the lettings (a quarter sleep 4 or more
    with a free week next month, say), whatever their number; one in ten has its price on request.
    """
    bedrooms = 1 + n % 5
    price = None if n % 10 == 9 else Decimal(60 + (n * 37) % 440)
    return (
        PROPERTY_TYPES[n % len(PROPERTY_TYPES)][0],
        2 * bedrooms,
        bedrooms,
        bedrooms + n % 2,
        Decimal(1 + n % 3) / 2 + 1,
        price,
        1 + n % 3,
        n % 3 == 0,
    )


def offered(n: int, amenities: list) -> list:
    """Return letting ``n``'s amenities: one to four, drawn from a generator seeded by ``n``.

    Drawn rather than computed from ``n``, so that an amenity filter is independent of the other
    facts (which follow ``n``): a combination such as "hot tub and pets" matches a steady share.
    """
    draw = random.Random(n)  # benchmark data, not a secret
    return draw.sample(amenities, k=1 + draw.randrange(4))


def booked_periods(n: int, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Return letting ``n``'s booked periods: two stays in the coming weeks, placed by ``n``."""
    first = today + datetime.timedelta(days=3 + n % 20)
    second = first + datetime.timedelta(days=10 + n % 15)
    return [(first, first + datetime.timedelta(days=2 + n % 5)), (second, second + datetime.timedelta(days=3))]


def seed(total: int) -> None:
    """Write ``total`` lettings, addresses, gallery photos, users and profiles."""
    index = LettingIndexPage.objects.get()
    content_type = ContentType.objects.get_for_model(LettingPage)
    image = get_image_model()(title="Bench photo", file=get_test_image_file(size=(1200, 800)))
    image.save()
    now = timezone.now()
    today = timezone.localdate()
    states = [code for code, _name in US_STATES]
    amenities = Amenity.objects.bulk_create(Amenity(name=name, icon=icon) for name, icon in AMENITY_ICONS)
    with transaction.atomic():
        for start in range(0, total, BATCH):
            numbers = range(start, min(start + BATCH, total))
            addresses = Address.objects.bulk_create(
                Address(
                    number=n % 9999 + 1,
                    street=f"Bench Street {n}",
                    city=CITIES[n % len(CITIES)],
                    state=states[n % len(states)],
                    zip_code=f"{n % 99999 + 1:05d}",
                    country_iso_code="USA",
                    legacy_id=n + 1,
                )
                for n in numbers
            )
            pages = Page.objects.bulk_create(
                Page(
                    title=f"Bench Letting {n:06d}",
                    draft_title=f"Bench Letting {n:06d}",
                    slug=f"bench-letting-{n:06d}",
                    content_type=content_type,
                    path=index.path + path_step(n + 1),
                    depth=index.depth + 1,
                    numchild=0,
                    url_path=f"{index.url_path}bench-letting-{n:06d}/",
                    live=True,
                    has_unpublished_changes=False,
                    # A second apart, as lettings published one by one: the "newest" order has no ties.
                    first_published_at=now - datetime.timedelta(seconds=total - n),
                    last_published_at=now - datetime.timedelta(seconds=total - n),
                    locale_id=index.locale_id,
                    translation_key=uuid.uuid4(),
                )
                for n in numbers
            )
            with connection.cursor() as cursor:
                cursor.executemany(
                    # The price sort keys are generated by the database from price_per_night.
                    "INSERT INTO lettings_lettingpage (page_ptr_id, address_id, summary, body, legacy_id, "
                    "property_type, sleeps, bedrooms, beds, bathrooms, price_per_night, minimum_nights, "
                    "pets_allowed, house_rules) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '')",
                    [
                        (page.pk, address.pk, f"Summary {n}", "<p>Bench body.</p>", n + 1, *facts(n))
                        for n, page, address in zip(numbers, pages, addresses, strict=True)
                    ],
                )
            through = LettingPage.amenities.through
            through.objects.bulk_create(
                through(lettingpage_id=page.pk, amenity_id=amenity.pk)
                for n, page in zip(numbers, pages, strict=True)
                for amenity in offered(n, amenities)
            )
            BookedPeriod.objects.bulk_create(
                BookedPeriod(letting_id=page.pk, start=start, end=end, source="manual")
                for n, page in zip(numbers, pages, strict=True)
                for start, end in booked_periods(n, today)
            )
            LettingPageGalleryImage.objects.bulk_create(
                LettingPageGalleryImage(page_id=page.pk, image=image, alt_text="Bench photo", sort_order=0)
                for page in pages
            )
            users = get_user_model().objects.bulk_create(
                get_user_model()(username=f"bench{n:06d}", first_name="Bench", last_name=f"User{n}", password="!")
                for n in numbers
            )
            Profile.objects.bulk_create(
                Profile(user=user, favorite_city=CITIES[n % len(CITIES)])
                for n, user in zip(numbers, users, strict=True)
            )
        Page.objects.filter(pk=index.pk).update(numchild=total)
    # Fresh planner statistics (without them PostgreSQL plans joins as if the tables were still
    # empty) and a vacuum now, so that autovacuum does not start on the new rows during the load.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    seed(int(sys.argv[1]))
