"""App configuration of the lettings app: tells the page cache which pages each of its records shows on."""

from django.apps import AppConfig


class LettingsConfig(AppConfig):
    """Registers the lettings app."""

    name = "lettings"
    verbose_name = "Lettings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Tell the page cache what letting pages show, so a change clears those pages and the lists.

        A letting's publish clears its own page; an address, a booked period or an amenity clears the
        lettings that show it; an image may be anywhere, so it clears everything.
        """
        from wagtail.images import get_image_model

        from pagecache.signals import clear_only_its_page, clear_pages_when_changed, clear_when_changed

        from .models import Address, Amenity, BookedPeriod, LettingPage

        clear_only_its_page(LettingPage)
        clear_pages_when_changed(Address, lambda address: LettingPage.objects.filter(address=address.pk))
        clear_pages_when_changed(BookedPeriod, lambda period: LettingPage.objects.filter(pk=period.letting_id))
        clear_pages_when_changed(Amenity, lambda amenity: LettingPage.objects.filter(amenities=amenity.pk))
        clear_when_changed(get_image_model())
