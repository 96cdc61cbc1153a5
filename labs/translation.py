"""The labs' texts in each language (django-modeltranslation, as courses/translation.py). Starters,
solutions, tools and rules are never translated."""

from modeltranslation.translator import TranslationOptions, register

from labs.models import Check, Lab


@register(Lab)
class LabTranslation(TranslationOptions):
    fields = ("title", "instructions_md", "instructions_html")


@register(Check)
class CheckTranslation(TranslationOptions):
    fields = ("title", "explanation_md", "explanation_html")
