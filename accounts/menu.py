"""The links of the signed-in user's account menu that other apps add (this app knows none of them).

An app adds its link from its AppConfig.ready(): ``add_link("cohorts:join", _("Join a cohort"))``.
"""

from django.utils.functional import Promise

_links: list[tuple[str, Promise | str]] = []


def add_link(url_name: str, label: Promise | str) -> None:
    """Show a link to ``url_name`` (reversed on every page, so a wrong name fails loudly) in the menu."""
    if (url_name, label) not in _links:
        _links.append((url_name, label))


def links() -> list[tuple[str, Promise | str]]:
    """The added links, as (URL name, label), in the order they were added."""
    return list(_links)
