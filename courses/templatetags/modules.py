"""Filters that name modules inside a translated sentence ("Finish %(modules)s first."): the whole
sentence is one message, so that a language can put the names where its grammar wants them."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def quoted_titles(modules: Iterable) -> str:
    """The modules' titles in quotation marks, separated by commas: “CI/CD on AWS”, “Containers”."""
    return ", ".join(f"“{module.title}”" for module in modules)


@register.filter
def linked_titles(modules: Iterable) -> SafeString:
    """The modules' titles, each a link to its page, separated by commas (HTML, escaped)."""
    return format_html_join(", ", '<a href="{}">{}</a>', ((m.get_absolute_url(), m.title) for m in modules))
