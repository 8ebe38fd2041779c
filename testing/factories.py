"""Builders for users, profiles, addresses, letting pages and images, used by every app's tests and ``bench/``."""

from itertools import count

from django.contrib.auth import get_user_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from home.models import HomePage
from lettings.models import Address, LettingIndexPage, LettingPage, LettingPageGalleryImage
from pages.models import ContentPage
from profiles.models import Profile

_sequence = count(1)


def make_address(**fields) -> Address:
    """Save and return a valid address; ``fields`` override the defaults."""
    number = next(_sequence)
    values = {
        "number": number % 9999 + 1,
        "street": f"Test Street {number}",
        "city": "Brunswick",
        "state": "GA",
        "zip_code": "31525",
        "country_iso_code": "USA",
    }
    values.update(fields)
    address = Address(**values)
    address.full_clean()
    address.save()
    return address


def make_image(title: str = "Test photo"):
    """Save and return a small Wagtail image."""
    image = get_image_model()(title=title, file=get_test_image_file(size=(1000, 700)))
    image.save()
    return image


def make_letting(
    index: LettingIndexPage | None = None,
    *,
    title: str | None = None,
    address: Address | None = None,
    photos: int = 0,
    image=None,
    publish: bool = True,
    **fields,
) -> LettingPage:
    """Add a letting page under the lettings index, with ``photos`` gallery items, published by default.

    Each gallery item gets a new image, or ``image`` when given (faster for tests that need many).
    """
    index = index or LettingIndexPage.objects.get()
    title = title or f"Letting {next(_sequence)}"
    letting = LettingPage(title=title, address=address or make_address(), live=False, **fields)
    index.add_child(instance=letting)
    for position in range(photos):
        LettingPageGalleryImage.objects.create(
            page=letting,
            image=image or make_image(f"{title} photo {position}"),
            alt_text=f"{title} view {position}",
        )
    revision = letting.save_revision()
    if publish:
        revision.publish()
    letting.refresh_from_db()
    return letting


def make_content_page(title: str = "Privacy notice", *, publish: bool = True, **fields) -> ContentPage:
    """Add a content page under the home page, published by default."""
    page = ContentPage(title=title, live=False, **fields)
    HomePage.objects.get().add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_user(username: str | None = None, **fields):
    """Save and return a user with a usable password ("pass-word-1")."""
    username = username or f"user{next(_sequence)}"
    user = get_user_model()(username=username, email=f"{username}@example.com", **fields)
    user.set_password("pass-word-1")
    user.save()
    return user


def make_profile(username: str | None = None, favorite_city: str = "Berlin", show_email: bool = False, **user_fields):
    """Save and return a profile with a new user."""
    user = make_user(username, **user_fields)
    return Profile.objects.create(user=user, favorite_city=favorite_city, show_email=show_email)
