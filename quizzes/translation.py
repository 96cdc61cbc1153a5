"""The quizzes' texts in each language (django-modeltranslation, as courses/translation.py). What
grading reads (correct flags, numbers, the faulty-line artifact) is never translated; a short-text
question's accepted answers are its choices' texts in every language (quizzes.grading)."""

from modeltranslation.translator import TranslationOptions, register

from quizzes.models import Choice, Misconception, Pool, Question, Quiz


@register(Quiz)
class QuizTranslation(TranslationOptions):
    fields = ("title",)


@register(Pool)
class PoolTranslation(TranslationOptions):
    fields = ("title",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("prompt_md", "prompt_html", "explanation_md", "explanation_html", "unit", "variants_html")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("text", "feedback", "match_text")


@register(Misconception)
class MisconceptionTranslation(TranslationOptions):
    fields = ("description",)
