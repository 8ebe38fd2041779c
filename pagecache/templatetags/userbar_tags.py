"""``{% page_userbar %}``: Wagtail's user bar, noted for an editor's next visit (:mod:`pagecache.userbar`)."""

from django import template
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from pagecache import userbar

register = template.Library()


@register.simple_tag(takes_context=True)
def page_userbar(context):
    """Render Wagtail's user bar for the page in ``context`` and note it on the request; place it last in ``<body>``."""
    html = wagtailuserbar(context)
    request = context.get("request")
    if request is not None:
        userbar.note(request, html)
    return html
