"""The project package as an app: start-up checks that concern the whole site."""

import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("site_cms")


class SiteConfig(AppConfig):
    """Warns at start-up when production keeps uploads on the dyno's disk."""

    name = "site_cms"
    verbose_name = "Orange County Lettings"

    def ready(self) -> None:
        """Log a warning where production has no object store for media."""
        if settings.IS_PRODUCTION and settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
            logger.warning(
                "AWS_STORAGE_BUCKET_NAME is not set: uploaded images and documents are kept on the local "
                "disk and are lost when the container restarts (every Heroku dyno restarts daily)."
            )
