"""URLs of the lettings app that are not pages: each letting's availability feed."""

from django.urls import path

import core.converters  # noqa: F401  registers <dbid:...>

from .feeds import availability_feed

urlpatterns = [
    path("calendars/<dbid:letting_id>.ics", availability_feed, name="letting_availability_feed"),
]
