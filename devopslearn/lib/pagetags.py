"""``{% page_query number param %}``: the page's address (request.GET) with ``param`` set to ``number``,
as ``{% querystring %}`` writes it, for a page link whose parameter is a variable: two lists paged on
one page each have their own (templates/_pages.html). Registered as the "pages" library."""

from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number: int, param: str = "page") -> str:
    return querystring(context, **{param: number})
