"""``{% enquiry_form letting %}``: the enquiry form on a letting's page, the same for every visitor (it is cached)."""

from django import template

from ..forms import EnquiryForm
from ..models import privacy_notice_url

register = template.Library()


@register.inclusion_tag("enquiries/includes/section.html", takes_context=True)
def enquiry_form(context, letting) -> dict:
    """Render an empty enquiry form for ``letting``, with the link to the privacy notice."""
    request = context.get("request")
    return {
        "request": request,
        "letting": letting,
        "form": EnquiryForm(letting=letting),
        "started": "",
        "privacy_url": privacy_notice_url(request),
    }
