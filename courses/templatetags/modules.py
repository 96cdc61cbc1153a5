"""Filters that name modules inside a translated sentence ("Finish %(modules)s first."): the whole
sentence is one message, so that a language can put the names where its grammar wants them. The
names' HTML is written by small templates (templates/courses/_quoted_titles.html, _linked_titles.html)."""

from collections.abc import Iterable

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def quoted_titles(modules: Iterable) -> SafeString:
    """The modules' titles in quotation marks, separated by commas (HTML, escaped): “CI/CD on AWS”,
    “Containers”; a title shown in English on a page in another language is marked ``lang="en"``."""
    return render_to_string("courses/_quoted_titles.html", {"modules": modules})


def quoted_titles_text(modules: Iterable) -> str:
    """``quoted_titles`` as plain text, for a message that is not HTML (a 403's reason, escaped where
    it is shown): no lang mark can ride along."""
    return ", ".join(f"“{module.title}”" for module in modules)


@register.filter
def linked_titles(modules: Iterable) -> SafeString:
    """The modules' titles, each a link to its page, separated by commas (HTML, escaped); a title
    shown in English on a page in another language is marked ``lang="en"``."""
    return render_to_string("courses/_linked_titles.html", {"modules": modules})
