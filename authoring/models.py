import hashlib
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import LearningPath, Module
from quizzes.models import Question, Quiz


class ReportImport(models.Model):
    """A workshop report made into a draft module, by file name within a learning path: importing a
    file of the same name again updates that draft (``authoring.reports.save``)."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="+")
    source_name = models.CharField(_("report file"), max_length=255)
    module = models.OneToOneField(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="report_import"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    content_hash = models.CharField(max_length=64, editable=False)
    title = models.CharField(_("title"), max_length=200)
    event_date = models.DateField(_("event date"), null=True, blank=True)
    source_note = models.TextField(_("source note"), blank=True)
    encoding_repair = models.CharField(_("encoding repair"), max_length=300, blank=True)
    glossary = models.JSONField(_("glossary"), default=list, blank=True)
    report = models.TextField(_("report of the last import"), blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imported report")
        verbose_name_plural = _("imported reports")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["path", "source_name"], name="authoring_report_unique_name_in_path")
        ]

    def __str__(self) -> str:
        return f"{self.source_name} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:authoring_reportimport_change", args=[self.pk])


def fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class GeneratedQuestionQuerySet(models.QuerySet):
    def needing_review(self):
        return self.filter(needs_review=True)


class GeneratedQuestion(models.Model):
    """A question the report importer made from a report's structure: "generated, needs review"
    until an instructor marks it reviewed. ``fingerprint`` is the question as generated: when the
    question differs from it, somebody edited it, and a re-import leaves it alone."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="generated")
    report_import = models.ForeignKey(ReportImport, on_delete=models.CASCADE, related_name="generated_questions")
    origin = models.CharField(_("made from"), max_length=300)
    fingerprint = models.CharField(max_length=64, editable=False)
    needs_review = models.BooleanField(_("generated, needs review"), default=True)

    objects = GeneratedQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("generated question")
        verbose_name_plural = _("generated questions")
        ordering = ["question__order", "id"]

    def __str__(self) -> str:
        return str(self.question)


class QuestionImport(models.Model):
    """One GIFT or Moodle XML file imported into a quiz, and the report of what it made (what was
    created, left as it was, not imported and approximated), kept for the record."""

    class Format(models.TextChoices):
        GIFT = "gift", "GIFT"
        MOODLE_XML = "moodle_xml", "Moodle XML"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    source_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    created = models.PositiveIntegerField(_("created"), default=0)
    skipped = models.PositiveIntegerField(_("not imported"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    report = models.TextField(_("report"), blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} → {self.quiz}"
