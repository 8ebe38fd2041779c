"""The enquiry form on a letting's page: what a visitor may ask for, checked against the letting's facts and calendar.

The letting's page stays in the page cache for anonymous visitors, so the form on it carries nothing
per visitor. Two fields guard it against robots instead of a CSRF token: a honeypot that people never
see, and a signed "form opened at" time (``started``) that the page's script asks the server for
when a visitor starts typing; an enquiry sent without it, or faster than a person types, is refused.
"""

import datetime
import secrets
import unicodedata

from django import forms
from django.core import signing
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from lettings.forms import BOOKING_HORIZON_DAYS, LONGEST_STAY_NIGHTS  # the listing's bounds of a stay

MIN_SECONDS_TO_FILL = 3
STARTED_MAX_AGE = 24 * 3600  # a form opened yesterday and sent today is still a person's
STARTED_SALT = "enquiries.started"


def started_token() -> str:
    """Return a signed token of the current time (when a visitor began to fill the form), unique to this visitor.

    The random part makes two tokens made in the same second different: each sends one enquiry.
    """
    return signing.TimestampSigner(salt=STARTED_SALT).sign(secrets.token_urlsafe(12))


def seconds_since(token: str) -> float:
    """Return how many seconds ago ``token`` was made.

    Raise ``RestartError`` when it is older than a day, ``SpamError`` when it is not one of ours.
    """
    signer = signing.TimestampSigner(salt=STARTED_SALT)
    try:
        signer.unsign(token, max_age=STARTED_MAX_AGE)
        made = signing.b62_decode(token.rsplit(signer.sep, 2)[1])  # "<random>:<time>:<signature>"
    except signing.SignatureExpired as error:
        raise RestartError("start token expired") from error
    except (signing.BadSignature, ValueError) as error:
        raise SpamError("start token forged") from error
    return timezone.now().timestamp() - made


def one_line(value: str) -> None:
    """Refuse line breaks, control and formatting characters (a name is one line; no mail may carry another's text).

    Unicode's own line and paragraph separators count, and so do the invisible direction marks that
    make a text read differently from how it is stored.
    """
    if any(unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") for character in value):
        raise forms.ValidationError("Write this on one line, without special characters.")


class MessageField(forms.CharField):
    """A text area's value with its line breaks counted as one character each, as the browser counts them."""

    def to_python(self, value):
        """Return the text with Windows line breaks (what browsers send) made single."""
        return super().to_python(value).replace("\r\n", "\n")


class SpamError(Exception):
    """The post was made by a robot (honeypot filled, a forged start time): store nothing, send nothing."""


class RestartError(Exception):
    """The start time is missing (no JavaScript), too recent, or older than a day.

    Nothing is stored or sent; the visitor gets the form back, filled in, with a new start time, to
    check and send: a person loses nothing, a robot gains nothing it could not get anyway.
    """


class EnquiryForm(forms.Form):
    """A visitor's enquiry about ``letting``; every rule says what is wrong next to its field."""

    name = forms.CharField(max_length=100, label="Your name", validators=[one_line])
    email = forms.EmailField(max_length=254, label="Your e-mail address")
    phone = forms.CharField(max_length=30, required=False, label="Phone (optional)", validators=[one_line])
    check_in = forms.DateField(
        label="Check-in", input_formats=["%Y-%m-%d"], error_messages={"invalid": "Enter a date such as 2026-12-24."}
    )
    check_out = forms.DateField(
        label="Check-out", input_formats=["%Y-%m-%d"], error_messages={"invalid": "Enter a date such as 2026-12-28."}
    )
    guests = forms.IntegerField(label="Guests", min_value=1, max_value=50)
    message = MessageField(max_length=2000, widget=forms.Textarea, label="Your message")
    consent = forms.BooleanField(
        label="I agree that my details are kept to answer this enquiry.",
        error_messages={"required": "Tick this box so that we may keep your details to answer you."},
    )
    # Never shown to people (hidden by the stylesheet and from screen readers); robots fill every field.
    website = forms.CharField(required=False, max_length=200)
    started = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, letting, **kwargs):
        """Bind the form to the letting it asks about."""
        super().__init__(*args, **kwargs)
        self.letting = letting

    def check_for_robots(self) -> None:
        """Raise ``SpamError`` for a filled honeypot or a forged start, ``RestartError`` for a missing or stale one."""
        if self.data.get("website"):
            raise SpamError("honeypot filled")
        if not self.data.get("started"):
            raise RestartError("no start token")
        elapsed = seconds_since(self.data["started"])
        if elapsed < MIN_SECONDS_TO_FILL:
            raise RestartError(f"sent {elapsed:.1f} s after starting")

    def clean_check_in(self) -> datetime.date:
        """Refuse a check-in that is not in the future, or more than two years ahead."""
        check_in = self.cleaned_data["check_in"]
        today = timezone.localdate()
        if check_in <= today:
            raise forms.ValidationError("Choose a check-in from tomorrow on.")
        if check_in > today + datetime.timedelta(days=BOOKING_HORIZON_DAYS):
            raise forms.ValidationError("Choose a check-in within the next two years.")
        return check_in

    def clean_guests(self) -> int:
        """Refuse more guests than the home sleeps."""
        guests = self.cleaned_data["guests"]
        sleeps = self.letting.sleeps
        if sleeps is not None and guests > sleeps:
            raise forms.ValidationError(f"This home sleeps {sleeps}: choose {sleeps} guests or fewer.")
        return guests

    def clean(self) -> dict:
        """Check the stay: after check-in, long enough for the home, and on nights that are free."""
        cleaned = super().clean()
        check_in, check_out = cleaned.get("check_in"), cleaned.get("check_out")
        if not (check_in and check_out):
            return cleaned
        nights = (check_out - check_in).days
        minimum = self.letting.minimum_nights or 1
        if nights < 1:
            self.add_error("check_out", "Check-out must be at least one day after check-in.")
        elif nights < minimum:
            self.add_error("check_out", f"This home is let for {minimum} nights or more: choose a later check-out.")
        elif nights > LONGEST_STAY_NIGHTS:
            self.add_error("check_out", f"For more than {LONGEST_STAY_NIGHTS} nights, write to us in the message.")
        elif self.letting.booked_periods.filter(start__lt=check_out, end__gt=check_in).exists():
            self.add_error(
                "check_in",
                "Some of these nights are already booked: the calendar above shows which nights are free.",
            )
        return cleaned


class EnquirySettingsForm(WagtailAdminModelForm):
    """The enquiry settings' form: a privacy page that is not a page id is an error, never a crash.

    Wagtail's page chooser fails to redisplay a value that is no number (a tampered post), so such
    a value is taken out before the form is shown again, and reported next to the field.
    """

    def __init__(self, data=None, *args, **kwargs):
        """Take a non-numeric privacy page out of the posted data, remembering it for :meth:`clean`."""
        self.unreadable_privacy_page = False
        if data is not None and data.get("privacy_page") and not str(data["privacy_page"]).isdigit():
            data = data.copy()
            data["privacy_page"] = ""
            self.unreadable_privacy_page = True
        super().__init__(data, *args, **kwargs)

    def clean(self) -> dict:
        """Report the unreadable privacy page (nothing is saved then)."""
        cleaned = super().clean()
        if self.unreadable_privacy_page:
            self.add_error("privacy_page", "Choose the privacy notice with the page chooser.")
        return cleaned
