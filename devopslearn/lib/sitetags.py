"""Tags for the parts of _base.html that every page renders (registered as the "site" library).

The page head and the account menu were a fifth of a learner page's rendering time as template
nodes (four static-file lookups, five URL reversals, filters). Their URLs are fixed for the life of
a process, so they are computed once; what varies (the CSP nonce, the CSRF token, the user's name,
the language) is filled in per request, escaped by format_html.
"""

from functools import cache
from urllib.parse import quote

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django_htmx.jinja import django_htmx_script

register = template.Library()


@cache
def _assets(prefix: str) -> tuple[str, ...]:
    return (
        static("css/app.css"),
        static("css/pygments.css"),
        static("img/favicon.svg"),
        static("django_htmx/htmx-2.min.js"),
        static("js/app.js"),
    )


@cache
def _urls(prefix: str) -> dict[str, str]:
    names = ["accounts:account", "cohorts:join", "accounts:logout", "accounts:login", "accounts:signup"]
    return {name: reverse(name) for name in names}


@register.simple_tag(takes_context=True)
def site_assets(context) -> str:
    """The stylesheets, icon and scripts of every page (htmx as django-htmx's {% htmx_script %} gives it)."""
    app_css, pygments_css, icon, htmx, app_js = _assets(get_script_prefix())
    debug = django_htmx_script(nonce=context["csp_nonce"])  # empty unless DEBUG, as {% htmx_script %}
    return debug + format_html(
        '<link rel="stylesheet" href="{}">\n  <link rel="stylesheet" href="{}">\n'
        '  <link rel="icon" href="{}" type="image/svg+xml">\n'
        '  <script src="{}" defer nonce="{}"></script>\n  <script src="{}" defer nonce="{}"></script>',
        app_css,
        pygments_css,
        icon,
        htmx,
        context["csp_nonce"],
        app_js,
        context["csp_nonce"],
    )


@register.simple_tag(takes_context=True)
def account_menu(context) -> str:
    """The signed-in user's menu (account, join a cohort, log out), or the log-in and sign-up links."""
    urls = _urls(get_script_prefix())
    user = context["user"]
    if not user.is_authenticated:
        request = context["request"]
        return format_html(
            '<a class="button button-quiet" href="{}?next={}">{}</a>\n          <a class="button" href="{}">{}</a>',
            urls["accounts:login"],
            quote(request.get_full_path(), safe="/"),
            _("Log in"),
            urls["accounts:signup"],
            _("Sign up"),
        )
    name = user.shown_name
    return format_html(
        '<details class="menu">\n'
        '  <summary><span class="avatar" aria-hidden="true">{}</span><span class="menu-name">{}</span></summary>\n'
        '  <ul class="menu-list">\n'
        '    <li><a href="{}">{}</a></li>\n'
        '    <li><a href="{}">{}</a></li>\n'
        "    <li>\n"
        '      <form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">\n'
        '        <button type="submit" class="link-button">{}</button>\n'
        "      </form>\n"
        "    </li>\n"
        "  </ul>\n"
        "</details>",
        name[:1].upper(),
        name,
        urls["accounts:account"],
        _("Account"),
        urls["cohorts:join"],
        _("Join a cohort"),
        urls["accounts:logout"],
        context["csrf_token"],
        _("Log out"),
    )
