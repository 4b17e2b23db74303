"""How a comment's plain text reads on a page: escaped, its line breaks kept, and its web
addresses made links that pass no referrer and give the opened page no hold on this one."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize
from django.utils.safestring import mark_safe

register = template.Library()

# What urlize writes on each link it makes; the text itself was escaped before, so its own
# quotes are entities and only urlize's attribute matches.
URLIZE_REL = ' rel="nofollow"'
LINK_REL = ' rel="nofollow noopener noreferrer"'


@register.filter(needs_autoescape=True)
def comment_html(text: str, autoescape: bool = True):
    # Marked safe as Django's own urlize filter marks it: escaped already, not to be escaped twice.
    linked = mark_safe(urlize(text, nofollow=True, autoescape=autoescape).replace(URLIZE_REL, LINK_REL))
    return linebreaksbr(linked, autoescape=autoescape)
