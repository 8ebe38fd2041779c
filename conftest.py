"""Fixtures shared by every app's tests: the page tree the migrations build, users, a clean cache."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches

from home.models import HomePage
from lettings.models import LettingIndexPage
from profiles.models import ProfileIndexPage
from testing.factories import make_user


@pytest.fixture(autouse=True)
def _clean_cache():
    """Start every test with empty caches: Wagtail caches site lookups there, and pages are cached."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def home_page(db) -> HomePage:
    """Return the home page that the migrations created."""
    return HomePage.objects.get()


@pytest.fixture
def lettings_index(db) -> LettingIndexPage:
    """Return the lettings index page that the migrations created."""
    return LettingIndexPage.objects.get()


@pytest.fixture
def profiles_index(db) -> ProfileIndexPage:
    """Return the profiles index page that the migrations created."""
    return ProfileIndexPage.objects.get()


@pytest.fixture
def superuser(db):
    """Return a superuser (staff), as the CTO."""
    return make_user("cto", is_staff=True, is_superuser=True)


@pytest.fixture
def editor(db):
    """Return a member of the Editors group (not staff)."""
    user = make_user("edna")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(db):
    """Return a member of the Moderators group (not staff)."""
    user = make_user("moe")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def page_cache_on(settings):
    """Turn the page cache on, as production has it (the test settings keep it off)."""
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Return a context manager that runs what would run when the test's changes commit (clearing the cache)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
