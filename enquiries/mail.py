"""The e-mails of an enquiry: stored with it, sent after the commit, and sent again later when SMTP was down.

Mail goes through Django's e-mail API, configured by ``EMAIL_URL`` (console locally, SMTP in
production). A failed send keeps the mail pending with its error class (never its text, which may
quote an address) for ``manage.py send_enquiry_mail``, which Heroku Scheduler runs every ten minutes.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from .models import Enquiry, EnquiryMail, EnquirySettings

logger = logging.getLogger(__name__)

ACKNOWLEDGEMENTS_PER_ADDRESS = 3  # acknowledgements one e-mail address gets ...
ACKNOWLEDGEMENT_WINDOW = datetime.timedelta(hours=24)  # ... in this time


def acknowledgements_due(email: str) -> bool:
    """Tell whether ``email`` may get another acknowledgement today.

    The form mails whatever address is typed in; this keeps anyone from using it to mail a stranger
    again and again from many addresses (the rate limit counts per client). The enquiry itself is
    still stored and sent to the company.
    """
    since = timezone.now() - ACKNOWLEDGEMENT_WINDOW
    return EnquiryMail.objects.filter(to__iexact=email, created_at__gte=since).count() < ACKNOWLEDGEMENTS_PER_ADDRESS


def queue_mails(enquiry: Enquiry) -> list[EnquiryMail]:
    """Store the company's copy and, unless the address had enough today, the visitor's acknowledgement.

    In the caller's transaction; the company's copy answers to the visitor (Reply-To).
    """
    context = {"enquiry": enquiry, "site_name": "Orange County Lettings"}
    company = EnquirySettings.load().recipient
    title = Truncator(enquiry.letting_title).chars(80)  # a long title must not make the subject too long to store
    mails = [
        EnquiryMail.objects.create(
            enquiry=enquiry,
            to=company,
            reply_to=enquiry.email,
            subject=f"New enquiry: {title}, {enquiry.check_in:%d %b} to {enquiry.check_out:%d %b %Y}",
            body=render_to_string("enquiries/mail/company.txt", context),
        )
    ]
    if acknowledgements_due(enquiry.email):
        mails.append(
            EnquiryMail.objects.create(
                enquiry=enquiry,
                to=enquiry.email,
                subject=f"We have your enquiry about {title}",
                body=render_to_string("enquiries/mail/visitor.txt", context),
            )
        )
    else:
        logger.info("Enquiry %s stored without an acknowledgement: its address had enough today", enquiry.pk)
    return mails


def send_one(mail: EnquiryMail) -> bool:
    """Send one pending mail and record the outcome; return whether it went."""
    mail.attempts += 1
    try:
        reply_to = [mail.reply_to] if mail.reply_to else None
        EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to], reply_to=reply_to).send()
    except Exception as error:  # any failure of the mail server or the network: keep it for the next run
        mail.last_error = f"{error.__class__.__name__} at attempt {mail.attempts}"
        mail.save(update_fields=["attempts", "last_error"])
        logger.warning("Enquiry mail %s not sent (%s); it stays pending", mail.pk, error.__class__.__name__)
        return False
    mail.sent_at, mail.last_error = timezone.now(), ""
    mail.save(update_fields=["attempts", "sent_at", "last_error"])
    return True


def send_pending(limit: int = 200) -> tuple[int, int]:
    """Send the pending mails, oldest first; return (sent, failed). Two runs at once never send one twice."""
    sent = failed = 0
    with transaction.atomic():
        # Locked until this run ends: a second run at the same moment skips them (PostgreSQL).
        pending = list(
            EnquiryMail.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("attempts", "created_at")[:limit]  # mails that keep failing do not hold up newer ones
        )
        for mail in pending:
            if send_one(mail):
                sent += 1
            else:
                failed += 1
    return sent, failed


def send_after_commit(mails: list[EnquiryMail]) -> None:
    """Send ``mails`` once the transaction that stored them commits; failures stay pending.

    They are locked while they go, like ``send_pending``'s: a scheduled run at that moment skips them.
    """
    ids = [mail.pk for mail in mails]

    def send() -> None:
        with transaction.atomic():
            unsent = EnquiryMail.objects.select_for_update(skip_locked=True).filter(pk__in=ids, sent_at__isnull=True)
            for mail in unsent:
                send_one(mail)

    transaction.on_commit(send)
