"""Tags of the page frame every page renders (registered as the "site" library): the page head
(stylesheets, icon, scripts) and ``{% fragment %}``, a cached template rendered from its inputs alone.

As template nodes (static-file lookups, filters) it was a large part of a learner page's rendering
time; as one tag it is a single format_html. The static files' addresses come from the manifest a
process reads once, so they are looked up once; what varies (the CSP nonce) is filled in per request.
"""

from functools import cache

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix
from django.utils.html import format_html
from django_htmx.jinja import django_htmx_script

from devopslearn.lib import fragments, languages

register = template.Library()
ASSETS = ("css/app.css", "css/pygments.css", "img/favicon.svg", "django_htmx/htmx-2.min.js", "js/app.js")


@cache
def _addresses(script_prefix: str) -> tuple[str, ...]:
    return tuple(static(name) for name in ASSETS)  # a relative STATIC_URL starts with the script prefix


@register.simple_tag(takes_context=True)
def site_assets(context) -> str:
    """The stylesheets, icon and scripts of every page (htmx as django-htmx's {% htmx_script %} gives it)."""
    nonce = context["csp_nonce"]
    app_css, pygments_css, icon, htmx, app_js = _addresses(get_script_prefix())
    debug = django_htmx_script(nonce=nonce)  # empty unless DEBUG, as {% htmx_script %}
    return debug + format_html(
        '<link rel="stylesheet" href="{}">\n  <link rel="stylesheet" href="{}">\n'
        '  <link rel="icon" href="{}" type="image/svg+xml">\n'
        '  <script src="{}" defer nonce="{}"></script>\n  <script src="{}" defer nonce="{}"></script>',
        app_css,
        pygments_css,
        icon,
        htmx,
        nonce,
        app_js,
        nonce,
    )


@register.simple_tag
def fragment(template_name: str, **inputs) -> str:
    """``template_name`` rendered from ``inputs`` alone, cached by them (devopslearn.lib.fragments):
    ``{% fragment "_site_nav.html" nav=nav signed_in=user.is_authenticated %}``."""
    return fragments.render(template_name, inputs)


@register.simple_tag
def site_languages() -> tuple[tuple[str, str], ...]:
    """``{% site_languages as languages %}``: (code, name in its own words) for the language switcher."""
    return languages.own_names()


RETURN_PATH_MAX = 2000  # a longer query string (a 1 MB search) is not echoed into every form


@register.simple_tag(takes_context=True)
def return_path(context) -> str:
    """The page to come back to after a form elsewhere (the language switcher's ``next``): the full
    path, or the path alone when its query string is over RETURN_PATH_MAX characters."""
    request = context["request"]
    full = request.get_full_path()
    return full if len(full) <= RETURN_PATH_MAX else request.path
