"""Builders for users and profiles, used by every app's tests."""

from itertools import count

from django.contrib.auth import get_user_model

from profiles.models import Profile

_sequence = count(1)


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
