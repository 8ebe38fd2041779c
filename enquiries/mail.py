"""The e-mails of an enquiry: stored with it, sent after the commit, and sent again later when SMTP was down.

Mail goes through Django's e-mail API, configured by ``EMAIL_URL`` (console locally, SMTP in
production). A failed send keeps the mail pending with its error class (never its text, which may
quote an address) for ``manage.py send_enquiry_mail``, which Heroku Scheduler runs every ten minutes.
"""

import datetime
import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from .models import Enquiry, EnquiryMail, EnquirySettings

logger = logging.getLogger(__name__)

ACKNOWLEDGEMENTS_PER_ADDRESS = 3  # acknowledgements one e-mail address gets ...
ACKNOWLEDGEMENT_WINDOW = datetime.timedelta(hours=24)  # ... in this time


def mailbox_key(email: str) -> str:
    """Return the mailbox an address reaches: lower case, without a ``+tag`` (``Ann+1@X.org`` is ``ann@x.org``)."""
    local, _, domain = email.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}".lower()


def acknowledgements_due(email: str) -> bool:
    """Tell whether the mailbox of ``email`` may get another acknowledgement today.

    The form mails whatever address is typed in; this keeps anyone from using it to mail a stranger
    again and again from many addresses (the rate limit counts per client) or under many ``+tags``.
    The enquiry itself is still stored and sent to the company.
    """
    since = timezone.now() - ACKNOWLEDGEMENT_WINDOW
    sent = EnquiryMail.objects.filter(mailbox=mailbox_key(email), created_at__gte=since).count()
    return sent < ACKNOWLEDGEMENTS_PER_ADDRESS


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
                mailbox=mailbox_key(enquiry.email),
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


def _send_next(ids: list[int] | None, tried: set[int]) -> bool | None:
    """Send the oldest pending mail not tried yet (of ``ids``, if given) in a transaction of its own.

    Return whether it went, or None when none is left. Each mail is locked only while it goes and
    its outcome is committed at once: a run stopped half-way (killed, timed out) never sends a mail
    it already sent again, and a second run at the same moment skips it (PostgreSQL).
    """
    with transaction.atomic():
        pending = EnquiryMail.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True)
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        # Mails that keep failing do not hold up newer ones.
        mail = pending.exclude(pk__in=tried).order_by("attempts", "created_at").first()
        if mail is None:
            return None
        tried.add(mail.pk)
        return send_one(mail)


def send_pending(limit: int = 200) -> tuple[int, int]:
    """Send the pending mails, oldest first, each in its own transaction; return (sent, failed)."""
    sent = failed = 0
    tried: set[int] = set()
    for _ in range(limit):
        outcome = _send_next(None, tried)
        if outcome is None:
            break
        if outcome:
            sent += 1
        else:
            failed += 1
    return sent, failed


_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="enquiry-mail")


def _send_all(ids: list[int]) -> None:
    """Send ``ids`` one by one; whatever fails or is cut short stays pending for ``send_enquiry_mail``."""
    tried: set[int] = set()
    try:
        while _send_next(ids, tried) is not None:
            pass
    except Exception:  # the database itself failing (SQLite locked): the scheduled run sends them
        logger.exception("Enquiry mails %s left pending for the scheduled run", ids)


def _send_in_background(ids: list[int]) -> None:
    """Send ``ids`` from the background thread, then close that thread's own database connection."""
    try:
        _send_all(ids)
    finally:
        connections.close_all()  # connections are per thread: the request's are not touched


def send_after_commit(mails: list[EnquiryMail]) -> None:
    """Send ``mails`` once the transaction that stored them commits, outside the visitor's request.

    A slow or hanging mail server never holds the visitor's page: the mails go from a background
    thread (``ENQUIRY_MAIL_IN_BACKGROUND``; the tests send at once), each locked while it goes, like
    ``send_pending``'s. If the process stops first, they stay pending for the scheduled run.
    """
    ids = [mail.pk for mail in mails]
    if settings.ENQUIRY_MAIL_IN_BACKGROUND:
        transaction.on_commit(lambda: _background.submit(_send_in_background, ids), robust=True)
    else:
        transaction.on_commit(lambda: _send_all(ids), robust=True)


def wait_for_background_mail(timeout: float = 30) -> None:
    """Wait until the mails handed to the background thread so far have been tried (for tests and commands)."""
    _background.submit(lambda: None).result(timeout=timeout)
