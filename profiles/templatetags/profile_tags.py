"""The address of a profile's page in templates, built by ``ProfileIndexPage.profile_url`` like everywhere else."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def profile_url(context, index, profile) -> str:
    """Return the URL of ``profile``'s page under the profiles ``index`` page."""
    return index.profile_url(profile, context.get("request"))
