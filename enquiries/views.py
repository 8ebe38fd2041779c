"""The enquiry's three addresses: its start token, the post that stores it, and the confirmation.

The form sits on the letting's cached page and carries no per-visitor token; cross-site posts are
refused by checking the request's ``Origin`` (or ``Referer``) against the site's own address (see
the security page of the docs). Every response here is personal or per visitor: never cached.
"""

import logging

from django.core import signing
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Site

from lettings.models import LettingPage

from .forms import EnquiryForm, RestartError, SpamError, started_token
from .mail import queue_mails, send_after_commit
from .models import Enquiry, privacy_notice_url
from .throttle import RATE_WINDOW, count_post, forget_old, use_start_time

logger = logging.getLogger(__name__)

SENT_LIMIT = 5  # enquiries a client address may send per hour ...
POST_LIMIT = 30  # ... and posts of any kind (errors, the no-JavaScript check, robots')
CONFIRMATION_SALT = "enquiries.sent"
CONFIRMATION_MAX_AGE = 3600


def same_origin(request) -> bool:
    """Tell whether the post comes from a page of this site (``Origin``, else ``Referer``, names its host)."""
    source = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER") or ""
    site = Site.find_for_request(request)
    allowed = {request.build_absolute_uri("/").rstrip("/")}
    if site is not None:
        allowed.add(site.root_url.rstrip("/"))
    return any(source == origin or source.startswith(origin + "/") for origin in allowed)


def too_many(request, letting):
    """Return the friendly 429 page."""
    response = TemplateResponse(request, "enquiries/too_many.html", {"letting": letting}, status=429)
    response["Retry-After"] = str(int(RATE_WINDOW.total_seconds()))
    return personal(response)


def personal(response):
    """Mark ``response`` as never to be stored by any cache, ours or a browser's."""
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response


@never_cache
@require_GET
def enquiry_start(request):
    """Return a signed "form opened at" time, which the letting page's script puts in the form."""
    return JsonResponse({"started": started_token()})


def render_form(request, letting, form, status=200, *, sent_before=False):
    """Show the enquiry form on a page of its own: its errors, or a last check before sending (no JavaScript).

    ``sent_before``: this filled-in form sent an enquiry already (a second click); sending it again
    sends a second one.
    """
    context = {
        "letting": letting,
        "form": form,
        "started": started_token(),
        "privacy_url": privacy_notice_url(request),
        "sent_before": sent_before,
    }
    return personal(TemplateResponse(request, "enquiries/review.html", context, status=status))


@csrf_exempt  # the form is on a cached page: the origin check below replaces the token (docs: security)
@require_POST
def send_enquiry(request, letting_id: int):
    """Store a valid enquiry with its mails, send them after the commit, and redirect to the confirmation."""
    letting = get_object_or_404(LettingPage.objects.live().public(), pk=letting_id)
    if not same_origin(request):
        return personal(TemplateResponse(request, "enquiries/refused.html", {"letting": letting}, status=403))
    if count_post(request, "posts", POST_LIMIT):
        return too_many(request, letting)
    form = EnquiryForm(request.POST, letting=letting)
    try:
        form.check_for_robots()
    except SpamError as reason:
        logger.info("Enquiry post refused as a robot's: %s", reason)
        return personal(TemplateResponse(request, "enquiries/refused.html", {"letting": letting}, status=400))
    except RestartError as reason:
        # No JavaScript, a quick click, a form left open overnight: the visitor checks it and sends it again.
        logger.info("Enquiry form sent back to check: %s", reason)
        form.full_clean()
        return render_form(request, letting, form)
    if not form.is_valid():
        return render_form(request, letting, form, status=400)
    with transaction.atomic():
        # A start time sends one enquiry: a robot that fetched one cannot post it again and again, and
        # a visitor's second click (or Back, then Send) gets the form back instead of a second enquiry.
        if not use_start_time(form.data["started"]):
            logger.info("Enquiry form sent back: its start time sent an enquiry before")
            return render_form(request, letting, form, sent_before=True)
        if count_post(request, "sent", SENT_LIMIT):
            transaction.set_rollback(True)  # the start time stays unused: sent an hour later, it is a new enquiry
            return too_many(request, letting)
        forget_old()
        enquiry = Enquiry.objects.create(
            letting=letting,
            letting_title=letting.title,
            consented_at=timezone.now(),
            **{name: form.cleaned_data[name] for name in ("name", "email", "phone", "check_in", "check_out", "guests")},
            message=form.cleaned_data["message"],
        )
        send_after_commit(queue_mails(enquiry))
    token = signing.dumps(enquiry.pk, salt=CONFIRMATION_SALT)
    return redirect("enquiry_sent", token=token)


@require_GET
def enquiry_sent(request, token: str):
    """Repeat what was asked, for an hour after sending (the link is the visitor's only)."""
    try:
        pk = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404("This confirmation has expired.") from error
    enquiry = get_object_or_404(Enquiry, pk=pk)
    context = {
        "enquiry": enquiry,
        "acknowledged": enquiry.mails.exclude(mailbox="").exists(),
        # Linked only while anyone may open it: unpublished or made private since, no link to it.
        "letting": LettingPage.objects.live().public().filter(pk=enquiry.letting_id).first(),
    }
    return personal(TemplateResponse(request, "enquiries/sent.html", context))
