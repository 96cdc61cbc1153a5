"""The curriculum's texts in each language, as django-modeltranslation stores them.

Each translated text is a column per language beside the others (``title_en``, ``title_vi``; a
rendering beside its source: ``body_html_vi``), registered in each app's ``translation.py``. Reading
``lesson.title`` gives the active language's text, or the English one when that is empty. What this
module adds is the one rule for what a page says about it: a text is *shown in English* when the
page's language is not English and the text has no translation; the page then marks the English
element ``lang="en"`` and, for a lesson or question, says that it is not translated yet.

Writers (the content loader, the models' renderings) name the language columns explicitly
(``localized("title", "vi")``): assigning ``lesson.title`` writes the *active* language's column,
which depends on who happens to be signed in.
"""

from functools import cache

from django import template
from django.conf import settings
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()  # the "translated" template library: {% load translated %}

DEFAULT = settings.LANGUAGE_CODE  # the curriculum's own language: every text exists in it


def languages() -> tuple[str, ...]:
    """The site's languages, English first."""
    return tuple(code for code, _name in settings.LANGUAGES)


def others() -> tuple[str, ...]:
    """The languages a text may be translated into."""
    return tuple(code for code in languages() if code != DEFAULT)


def localized(name: str, language: str) -> str:
    """The column of field ``name`` in ``language``: ``title`` -> ``title_vi``."""
    return f"{name}_{language.replace('-', '_')}"


@cache
def fields_of(model: type[Model]) -> frozenset[str]:
    """The translated fields of ``model`` (empty for a model with none)."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        return frozenset(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return frozenset()


def active() -> str:
    """The page's language, as one of the site's languages."""
    language = (get_language() or DEFAULT).split("-")[0]
    return language if language in languages() else DEFAULT


def in_language(instance: Model, name: str, language: str):
    """The text of field ``name`` in ``language`` exactly (no fallback): None or "" when missing."""
    return getattr(instance, localized(name, language), None)


def shown_in_english(instance: Model, name: str) -> bool:
    """True when the page is not in English and ``instance``'s ``name`` has no translation in its
    language, so that the English text shows instead (the element gets ``lang="en"``)."""
    language = active()
    if language == DEFAULT or name not in fields_of(type(instance)):
        return False
    return not in_language(instance, name, language)


@register.filter
def in_english(instance: Model, name: str) -> bool:
    """``{% if lesson|in_english:"body_html" %}``: ``shown_in_english`` in a template."""
    return shown_in_english(instance, name)


@register.filter
def lang_attr(instance: Model, name: str) -> str:
    """`` lang="en"`` for an element showing ``instance``'s ``name`` in English on a page in another
    language (screen readers then read it as English), else nothing:
    ``<h1{{ lesson|lang_attr:"title" }}>{{ lesson.title }}</h1>``."""
    if not shown_in_english(instance, name):
        return ""
    return mark_safe(f' lang="{DEFAULT}"')  # noqa: S308 - a fixed language code of the settings


@register.filter
def shown(instance: Model, name: str) -> SafeString:
    """``{{ module|shown:"title" }}``: ``instance``'s ``name`` (escaped), inside ``<span lang="en">``
    when it shows in English on a page in another language: for a text among other words, where no
    element of its own holds it."""
    english = DEFAULT if shown_in_english(instance, name) else ""
    return render_to_string("_shown.html", {"text": getattr(instance, name, ""), "english": english})


def every_language(model: type[Model], names) -> tuple[str, ...]:
    """Admin ``search_fields`` of ``model`` with each translated field (``title``, or through a relation
    ``module__title``) as its column in every language (``title_en``, ``title_vi``): django-
    modeltranslation turns a plain ``title`` into the active language's column only, so an English
    admin would never find a Vietnamese word. A prefix (``^``, ``=``, ``@``) is kept on each column."""
    expanded: list[str] = []
    for name in names:
        prefix = name[0] if name[:1] in "^=@" else ""
        *path, last = name.removeprefix(prefix).split("__")
        target = model
        for part in path:
            target = target._meta.get_field(part).related_model
        if last in fields_of(target):
            stem = "__".join([*path, ""])
            expanded += [f"{prefix}{stem}{localized(last, language)}" for language in languages()]
        else:
            expanded.append(name)
    return tuple(expanded)


class SearchEveryLanguage:
    """A ModelAdmin mixin: its ``search_fields`` search every language's column (``every_language``),
    worked out when searching (the translated fields are registered by then)."""

    def get_search_fields(self, request):
        return every_language(self.model, super().get_search_fields(request))
