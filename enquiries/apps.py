"""The enquiries app: names the record whose edits clear the page cache (the form's privacy link)."""

from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    """Visitors' enquiries about a letting, and the e-mails they cause."""

    name = "enquiries"
    verbose_name = "Enquiries"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Clear the page cache when the enquiry settings change: every letting page links to the privacy notice."""
        from pagecache.signals import clear_when_changed

        from .models import EnquirySettings

        clear_when_changed(EnquirySettings)
