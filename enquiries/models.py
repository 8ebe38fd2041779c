"""An enquiry a visitor sends about a letting, and the e-mails it causes, kept until they are sent.

The enquiry and its two e-mails (to the company, and the acknowledgement to the visitor) are stored
in one transaction before anything is sent. Sending happens after the commit; an e-mail that could
not be sent (the SMTP server down) stays pending with its error, and ``manage.py send_enquiry_mail``
(Heroku Scheduler) sends it later. So no enquiry is ever lost, and none is mailed twice.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page

from lettings.models import LettingPage
from pagecache.cache import per_generation
from pages.models import ContentPage

from .forms import EnquirySettingsForm

STATUSES = [("new", "New"), ("answered", "Answered"), ("closed", "Closed")]


class Enquiry(models.Model):
    """A visitor's question about a letting for some dates: personal data, seen only by staff."""

    letting = models.ForeignKey(LettingPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries")
    letting_title = models.CharField(max_length=255, help_text="As it was when the enquiry came in.")
    name = models.CharField(max_length=100)
    email = models.EmailField("e-mail", max_length=254)
    phone = models.CharField(max_length=30, blank=True)
    check_in = models.DateField()
    check_out = models.DateField()
    guests = models.PositiveSmallIntegerField()
    message = models.TextField(max_length=2000)
    consented_at = models.DateTimeField(help_text="When the visitor agreed to the privacy notice.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=STATUSES, default="new", db_index=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [FieldPanel("status")]

    class Meta:
        verbose_name = "enquiry"
        verbose_name_plural = "enquiries"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        """Return which enquiry about which letting, without the visitor's name.

        This text is copied into the admins' history (Wagtail's log, Django's admin log), which
        outlives the enquiry: no personal data in it.
        """
        return f"Enquiry {self.pk} about {self.letting_title}"

    @property
    def nights(self) -> int:
        """Return the number of nights asked for."""
        return (self.check_out - self.check_in).days


class EnquiryMail(models.Model):
    """One e-mail an enquiry causes, stored with it and sent after the commit (or later, when SMTP is back)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="mails")
    to = models.EmailField(max_length=254)
    reply_to = models.EmailField(max_length=254, blank=True, help_text="The visitor's address, on the company's copy.")
    mailbox = models.CharField(
        max_length=254, blank=True, db_index=True, help_text="The acknowledgement's mailbox (lower case, no +tag)."
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "enquiry e-mail"
        verbose_name_plural = "enquiry e-mails"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="enquiry_mail_pending")]

    def __str__(self) -> str:
        """Return the subject and whether it was sent."""
        return f"{self.subject} ({'sent' if self.sent_at else 'pending'})"


class ClientCount(models.Model):
    """How many posts of one kind a client address made in its current hour (the rate limit).

    In the database, so every web process counts the same posts, with or without Redis. The address
    is kept only as a keyed hash: the count needs no one's address.
    """

    key = models.CharField(max_length=64, primary_key=True)
    window_started_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "client count"

    def __str__(self) -> str:
        """Return the count and when its hour began (the key says nothing readable)."""
        return f"{self.count} since {self.window_started_at:%Y-%m-%d %H:%M}"


class UsedStartTime(models.Model):
    """A signed start time that has sent an enquiry: each one sends one, in every web process."""

    token_hash = models.CharField(max_length=64, primary_key=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "used start time"

    def __str__(self) -> str:
        """Return when the start time was used."""
        return f"used {self.used_at:%Y-%m-%d %H:%M}"


@register_setting(icon="mail")
class EnquirySettings(BaseGenericSetting):
    """Where enquiries are mailed, and the privacy notice visitors agree to; editors change them in the admin."""

    company_email = models.EmailField(
        "company e-mail address",
        blank=True,
        help_text="Where new enquiries are sent. Empty: the address the site was deployed with (ENQUIRY_EMAIL).",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page that says what is done with a visitor's details; the enquiry form links to it.",
    )

    panels = [FieldPanel("company_email"), PageChooserPanel("privacy_page", "pages.ContentPage")]
    base_form_class = EnquirySettingsForm

    class Meta:
        verbose_name = "enquiry settings"

    def clean(self) -> None:
        """Refuse any page but a content page as the privacy notice (the chooser offers only those)."""
        super().clean()
        if self.privacy_page_id is not None and not ContentPage.objects.filter(pk=self.privacy_page_id).exists():
            raise ValidationError({"privacy_page": "Choose a content page (such as the privacy notice) here."})

    def privacy_page_url(self, request) -> str | None:
        """Return the privacy notice's URL, or None while it is unpublished, private or not chosen (no dead link)."""
        if self.privacy_page_id is None:
            return None
        page = Page.objects.live().public().filter(pk=self.privacy_page_id).first()
        return page.get_url(request) if page is not None else None

    @property
    def recipient(self) -> str:
        """Return the company's address for enquiries: this setting, else the deployment's default."""
        return self.company_email or settings.ENQUIRY_EMAIL


def privacy_notice_url(request) -> str | None:
    """Return the privacy notice's URL for the enquiry form, read once per content generation.

    The form is on cached letting pages; publishing, unpublishing or restricting the page, or changing
    the setting, starts a new generation.
    """
    if request is None:
        return None
    return per_generation(request, "privacy-notice", lambda: EnquirySettings.load().privacy_page_url(request))
