"""App configuration of the lettings app: names the records whose edits clear the page cache."""

from django.apps import AppConfig


class LettingsConfig(AppConfig):
    """Registers the lettings app."""

    name = "lettings"
    verbose_name = "Lettings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Clear the page cache when what letting pages show changes: address, amenity, booked period, image."""
        from wagtail.images import get_image_model

        from pagecache.signals import clear_when_changed

        from .models import Address, Amenity, BookedPeriod

        clear_when_changed(Address)
        clear_when_changed(Amenity)
        clear_when_changed(BookedPeriod)
        clear_when_changed(get_image_model())
