from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from courses.changes import ContentChangesAdmin
from devopslearn.lib.translated import SearchEveryLanguage
from labs import documents
from labs.models import Check, Lab, Submission, check_problems
from labs.views import result_rows


class CheckInlineFormSet(forms.BaseInlineFormSet):
    """Says in plain words what is wrong with a check's tool and rules for the lab's kind."""

    def clean(self):
        super().clean()
        kind = self.instance.kind
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("tool"):
                continue
            problems = check_problems(kind, data["tool"], data.get("rules", ""))
            if problems:
                form.add_error("rules", problems)


class CheckInline(TranslationStackedInline):
    model = Check
    formset = CheckInlineFormSet
    fields = (("order", "key", "title"), ("tool", "rules"), ("points", "required"), "lesson", "explanation_md")
    autocomplete_fields = ()
    raw_id_fields = ("lesson",)
    extra = 0
    ordering = ("order", "id")


class LabForm(forms.ModelForm):
    class Meta:
        model = Lab
        fields = (
            "module",
            "key",
            "slug",
            "title",
            "kind",
            "order",
            "required",
            "pass_mark",
            "published",
            "instructions_md",
            "starter",
            "solution",
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for field in ("starter", "solution"):
            if kind and cleaned.get(field):
                try:
                    documents.check_size(kind, cleaned[field])
                except documents.Refused as refusal:
                    self.add_error(field, refusal.message)
        return cleaned


@admin.register(Lab)
class LabAdmin(SearchEveryLanguage, ContentChangesAdmin, TranslationAdmin):
    form = LabForm
    list_display = ("title", "module", "kind", "required", "pass_mark", "check_count", "published", "edited")
    list_filter = ("kind", "required", "published", "module")
    list_select_related = ("module",)
    search_fields = ("title", "key", "instructions_md")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [CheckInline]
    fieldsets = (
        (
            None,
            {"fields": ("module", ("key", "slug"), "title", ("kind", "order"), ("required", "pass_mark"), "published")},
        ),
        (_("Instructions"), {"fields": ("instructions_md",)}),
        (_("Artifacts"), {"fields": ("starter", "solution")}),
    )
    change_form_template = "admin/labs/lab/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(check_total=Count("checks"))

    @admin.display(description=_("checks"), ordering="check_total")
    def check_count(self, lab: Lab) -> int:
        return lab.check_total

    @admin.display(description=_("edited since import"), boolean=True)
    def edited(self, lab: Lab) -> bool:
        return lab.edited_since_import

    def get_urls(self):
        return [
            path("<int:object_id>/preview/", self.admin_site.admin_view(self.preview), name="labs_lab_preview"),
            *super().get_urls(),
        ]

    def preview(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Try the starter and the reference solution: both are graded like a learner's file, by the
        grading workers, and each check's verdict is shown."""
        lab = get_object_or_404(Lab.objects.select_related("module__path"), pk=object_id)
        if not self.has_view_or_change_permission(request, lab):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, lab):
                raise PermissionDenied
            submitted = {}
            for which in ("starter", "solution"):
                submission = Submission.submit(request.user, lab, getattr(lab, which), preview=True)
                submission.enqueue()
                submitted[which] = submission.public_id
            messages.info(request, _("The starter and the solution were sent to the checkers."))
            url = reverse("admin:labs_lab_preview", args=[lab.pk])
            return redirect(f"{url}?starter={submitted['starter']}&solution={submitted['solution']}")
        checks = list(lab.checks.select_related("lesson__module__path"))
        previews = []
        for which, label in (("starter", _("Starter")), ("solution", _("Reference solution"))):
            public_id = request.GET.get(which)
            submission = None
            if public_id:
                try:
                    submission = Submission.objects.filter(lab=lab, preview=True, public_id=public_id).first()
                except ValidationError:
                    submission = None
            if submission is not None and submission.is_pending:
                submission.sweep_if_stale()
            previews.append(
                {"which": which, "label": label, "submission": submission, "rows": result_rows(submission, checks)}
            )
        pending = any(p["submission"] is not None and p["submission"].is_pending for p in previews)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Try the starter and the reference solution"),
            "lab": lab,
            "opts": self.model._meta,
            "previews": previews,
            "pending": pending,
            "checks": checks,
        }
        return TemplateResponse(request, "admin/labs/lab/preview.html", context)

    def view_on_site(self, lab: Lab):
        return lab.get_absolute_url()


@admin.register(Submission)
class SubmissionAdmin(SearchEveryLanguage, admin.ModelAdmin):
    """Learners' checks, read-only: what was sent and how it was graded."""

    list_display = ("created_at", "lab", "user", "preview", "state", "status", "score_display", "tries")
    list_filter = ("state", "status", "preview", "lab__module", "lab")
    list_select_related = ("lab", "user")
    search_fields = ("user__username", "user__email", "lab__title")
    date_hierarchy = "created_at"
    readonly_fields = (
        "public_id",
        "user",
        "lab",
        "preview",
        "state",
        "status",
        "score",
        "max_score",
        "percent",
        "tries",
        "task_id",
        "created_at",
        "enqueued_at",
        "started_at",
        "graded_at",
        "artifact_display",
        "result",
    )
    exclude = ("artifact",)

    @admin.display(description=_("score"))
    def score_display(self, submission: Submission) -> str:
        return "–" if submission.is_pending else f"{submission.score} / {submission.max_score}"

    @admin.display(description=_("artifact"))
    def artifact_display(self, submission: Submission) -> str:
        return format_html("<pre>{}</pre>", submission.artifact)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
