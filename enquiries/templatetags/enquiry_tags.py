"""``{% enquiry_form letting %}``: the enquiry form on a letting's page, the same for every visitor (it is cached)."""

from django import template

from ..forms import EnquiryForm
from ..models import EnquirySettings

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
        "privacy_page": EnquirySettings.load(request_or_site=request).privacy_page,
    }
