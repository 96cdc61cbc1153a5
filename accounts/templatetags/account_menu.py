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


@register.simple_tag(takes_context=True)
def account_menu(context) -> str:
    """The signed-in user's menu (account, the links apps add, log out), or the log-in and sign-up links."""
    user = context["user"]
    if not user.is_authenticated:
        return format_html(
            '<a class="button button-quiet" href="{}?next={}">{}</a>\n          <a class="button" href="{}">{}</a>',
            reverse("accounts:login"),
            quote(context["request"].get_full_path(), safe="/"),
            _("Log in"),
            reverse("accounts:signup"),
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
