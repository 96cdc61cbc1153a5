"""The account menu every page shows (registered as the "account_menu" library).

Written as a tag rather than template nodes: with the page head (devopslearn.lib.sitetags) it was a
fifth of a learner page's rendering time as a template. Every URL is reversed on every page; every
value is escaped by format_html.
"""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from accounts import menu

register = template.Library()


def with_next(name: str, come_back_to: str) -> str:
    """The address of the log-in or sign-up page (``name``) that brings the visitor back to the page
    ``come_back_to`` afterwards (the home page needs no ``next``: both go there by default). Every
    "Log in" and "Sign up" link a visitor meets is built here."""
    url = reverse(name)
    return f"{url}?next={quote(come_back_to, safe='/')}" if come_back_to and come_back_to != "/" else url


@register.simple_tag
def signup_url(come_back_to: str = "") -> str:
    """``{% signup_url module.get_absolute_url as signup %}``: sign up, then back to that page."""
    return with_next("accounts:signup", come_back_to)


@register.simple_tag
def login_url(come_back_to: str = "") -> str:
    """``{% login_url page as login %}``: log in, then back to that page."""
    return with_next("accounts:login", come_back_to)


def come_back_to(request) -> str:
    """The page the header's links bring a visitor back to: this page, or on the log-in and sign-up
    pages the page those were opened for (their ``next``), never the log-in page itself."""
    match = request.resolver_match
    if match is not None and match.view_name in ("accounts:login", "accounts:signup"):
        return request.GET.get("next", "")
    return request.get_full_path()


@register.simple_tag(takes_context=True)
def account_menu(context) -> str:
    """The signed-in user's menu (account, the links apps add, log out), or the log-in and sign-up links."""
    user = context["user"]
    if not user.is_authenticated:
        page = come_back_to(context["request"])
        return format_html(
            '<a class="button button-quiet" href="{}">{}</a>\n          <a class="button" href="{}">{}</a>',
            with_next("accounts:login", page),
            _("Log in"),
            with_next("accounts:signup", page),
            _("Sign up"),
        )
    links = [(reverse("accounts:account"), _("Account"))]
    links += [(reverse(name), label) for name, label in menu.links()]
    name = user.shown_name
    return format_html(
        '<details class="menu">\n'
        '  <summary><span class="avatar" aria-hidden="true">{}</span><span class="menu-name">{}</span></summary>\n'
        '  <ul class="menu-list">\n'
        "{}"
        "    <li>\n"
        '      <form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">\n'
        '        <button type="submit" class="link-button">{}</button>\n'
        "      </form>\n"
        "    </li>\n"
        "  </ul>\n"
        "</details>",
        name[:1].upper(),
        name,
        format_html_join("", '    <li><a href="{}">{}</a></li>\n', links),
        reverse("accounts:logout"),
        context["csrf_token"],
        _("Log out"),
    )
