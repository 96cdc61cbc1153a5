"""The curriculum's texts in each language (django-modeltranslation): a column per language beside
the English, so that a page reads its language without a join (devopslearn/lib/translated.py)."""

from modeltranslation.translator import TranslationOptions, register

from courses.models import LearningPath, Lesson, Module


@register(LearningPath)
class LearningPathTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "summary", "objectives")


@register(Lesson)
class LessonTranslation(TranslationOptions):
    fields = ("title", "body_md", "body_html", "body_text", "takeaways", "search_text", "search_vector")
