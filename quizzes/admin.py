from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from devopslearn.lib.admin import SafeIdFieldsMixin
from quizzes.attempts import regrade
from quizzes.models import Attempt, AttemptAllowance, Choice, Question, Quiz, Response
from quizzes.statistics import EXPLANATIONS, question_statistics, statistics_responses
from quizzes.validation import check_question


class ChoiceInlineFormSet(forms.BaseInlineFormSet):
    """Checks the question's kind against its choices, in plain words, before anything is saved."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        question = self.instance
        kept, deleted = [], []
        for form in self.forms:
            if not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk:
                    deleted.append(form.instance)
                continue
            kept.append(form.cleaned_data)
        if deleted and question.pk and question.responses.exists():
            raise ValidationError(
                _(
                    "Learners have answered this question, so its choices cannot be deleted (their answers point to "
                    "them). Unpublish the question and write a new one instead."
                )
            )
        problems = check_question(
            question.kind, kept, numeric_answer=question.numeric_answer, tolerance=question.tolerance
        )
        if problems:
            raise ValidationError(problems)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceInlineFormSet
    fields = ("order", "text", "is_correct", "match_text", "feedback")
    extra = 0
    ordering = ("order", "id")
    formfield_overrides = {}

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 4


class QuestionInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if form.cleaned_data.get("DELETE") and form.instance.pk and form.instance.responses.exists():
                raise ValidationError(
                    _("“%(key)s” has learners' answers and cannot be deleted; unpublish it instead.")
                    % {"key": form.instance.key}
                )


class QuestionInline(admin.TabularInline):
    """The quiz's questions: order, points and publishing at a glance. A question is added on its own
    page, where its prompt, explanation and choices are written and checked together (a row added
    here would be a published question without a prompt or choices)."""

    model = Question
    formset = QuestionInlineFormSet
    fields = ("order", "key", "kind", "points", "published", "edit_link")
    readonly_fields = ("key", "kind", "edit_link")
    extra = 0
    ordering = ("order", "id")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Prompt and choices"))
    def edit_link(self, obj):
        if not obj.pk:
            return _("Save, then edit the prompt and choices.")
        return format_html('<a href="{}">{}</a>', reverse("admin:quizzes_question_change", args=[obj.pk]), _("Edit"))


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("title", "module", "lesson", "pass_mark", "published", "question_count")
    list_filter = ("module__path", "module", "published")
    list_select_related = ("module", "lesson")
    search_fields = ("title", "module__title")
    inlines = [QuestionInline]
    readonly_fields = ("add_question",)

    @admin.display(description=_("Questions"))
    def add_question(self, obj):
        if not obj or not obj.pk:
            return _("Save the quiz, then add its questions.")
        url = reverse("admin:quizzes_question_add") + f"?quiz={obj.pk}&order={obj.questions.count() + 1}"
        return format_html('<a class="addlink" href="{}">{}</a>', url, _("Add a question to this quiz"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(questions_n=Count("questions"))

    @admin.display(description=_("questions"), ordering="questions_n")
    def question_count(self, obj):
        return obj.questions_n


def _stats_subqueries():
    base = statistics_responses().filter(question=OuterRef("pk")).values("question")
    return {
        "stat_n": Subquery(base.annotate(n=Count("id")).values("n")[:1]),
        "stat_avg": Subquery(base.annotate(avg=Avg("points")).values("avg")[:1]),
    }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = (
            "quiz",
            "key",
            "kind",
            "order",
            "points",
            "published",
            "prompt_md",
            "explanation_md",
            "numeric_answer",
            "tolerance",
            "unit",
        )
        widgets = {
            "prompt_md": forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"}),
            "explanation_md": forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        self.fields["key"].help_text = _("A stable name for the content files; left empty, one is made up.")

    def clean_tolerance(self):
        tolerance = self.cleaned_data.get("tolerance")
        if tolerance is not None and tolerance < 0:
            raise ValidationError(_("The tolerance cannot be negative: answers within ± this value are correct."))
        return tolerance


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ("key", "quiz", "kind", "points", "published", "responses_count", "facility")
    list_filter = ("quiz__module", "kind", "published")
    list_select_related = ("quiz",)
    search_fields = ("key", "prompt_md", "explanation_md")
    ordering = ("quiz", "order")
    inlines = [ChoiceInline]
    readonly_fields = ("usage", "rendered_prompt")
    actions = ["regrade_action"]
    fieldsets = (
        (None, {"fields": ("quiz", "key", "kind", "order", "points", "published", "usage")}),
        (_("Text"), {"fields": ("prompt_md", "explanation_md", "rendered_prompt")}),
        (_("Numeric questions"), {"fields": ("numeric_answer", "tolerance", "unit"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**_stats_subqueries())

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.responses.exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("responses"), ordering="stat_n")
    def responses_count(self, obj):
        return obj.stat_n or 0

    @admin.display(description=_("facility"), ordering="stat_avg")
    def facility(self, obj):
        if not obj.stat_n or not obj.points:
            return "—"
        return f"{100 * Decimal(obj.stat_avg) / obj.points:.0f}%"

    @admin.display(description=_("Use"))
    def usage(self, obj):
        if not obj.pk:
            return "—"
        count = obj.responses.filter(answered=True).count()
        return format_html(
            '{} · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            ngettext("%(n)d learner response", "%(n)d learner responses", count) % {"n": count},
            reverse("quizzes:preview", args=[obj.pk]),
            _("Preview"),
            reverse("admin:quizzes_question_statistics", args=[obj.pk]),
            _("Statistics"),
            reverse("admin:quizzes_question_regrade", args=[obj.pk]),
            _("Regrade"),
        )

    @admin.display(description=_("Rendered prompt"))
    def rendered_prompt(self, obj):
        from django.utils.safestring import mark_safe

        return mark_safe(obj.prompt_html) if obj.pk else "—"  # noqa: S308 - sanitised when saved

    def get_urls(self):
        return [
            path(
                "<int:pk>/statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="quizzes_question_statistics",
            ),
            path("<int:pk>/regrade/", self.admin_site.admin_view(self.regrade_view), name="quizzes_question_regrade"),
            *super().get_urls(),
        ]

    def statistics_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        question = get_object_or_404(Question.objects.select_related("quiz"), pk=pk)
        stats = question_statistics([question.pk])[question.pk]
        return TemplateResponse(
            request,
            "admin/quizzes/question_statistics.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Statistics of “%(key)s”") % {"key": question.key},
                "question": question,
                "stats": stats,
                "explanations": EXPLANATIONS,
                "opts": self.model._meta,
            },
        )

    def _regrade_page(self, request, questions):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            changes = regrade(questions, apply=True)
            self.message_user(
                request,
                ngettext("Regraded: %(n)d attempt changed.", "Regraded: %(n)d attempts changed.", len(changes))
                % {"n": len(changes)},
                messages.SUCCESS,
            )
            if len(questions) == 1:
                return redirect("admin:quizzes_question_change", questions[0].pk)
            return redirect("admin:quizzes_question_changelist")
        changes = regrade(questions, apply=False)
        return TemplateResponse(
            request,
            "admin/quizzes/regrade.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Regrade: dry run"),
                "questions": questions,
                "changes": changes,
                "opts": self.model._meta,
            },
        )

    def regrade_view(self, request, pk):
        question = get_object_or_404(Question, pk=pk)
        return self._regrade_page(request, [question])

    @admin.action(description=_("Regrade the selected questions (shows a dry run first)"))
    def regrade_action(self, request, queryset):
        return self._regrade_page(request, list(queryset))


@admin.register(AttemptAllowance)
class AttemptAllowanceAdmin(SafeIdFieldsMixin, admin.ModelAdmin):
    list_display = ("user", "quiz", "extra_attempts", "reason", "granted_by", "created_at")
    list_select_related = ("user", "quiz", "granted_by")
    search_fields = ("user__username", "user__email", "quiz__title")
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ("question", "answer_text", "points", "is_correct", "answered", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz", "user", "number", "started_at", "submitted_at", "score", "max_score", "passed")
    list_filter = ("quiz__module", "passed")
    list_select_related = ("quiz", "user")
    search_fields = ("user__username", "quiz__title")
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [ResponseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
