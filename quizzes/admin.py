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
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from courses.changes import ContentChangesAdmin
from courses.models import Lesson
from devopslearn.lib import translated
from devopslearn.lib.admin import SafeIdFieldsMixin
from devopslearn.lib.numbers import FORMFIELD_OVERRIDES, percentage_text
from devopslearn.lib.sql import storable
from devopslearn.lib.translated import SearchEveryLanguage
from quizzes import attempts
from quizzes.attempts import regrade
from quizzes.models import (
    MAX_ARTIFACT_LINES,
    MAX_LINE_LENGTH,
    Attempt,
    AttemptAllowance,
    Choice,
    Misconception,
    Pool,
    Question,
    QuestionKind,
    Quiz,
    Response,
    ResponseChoice,
    artifact_lines,
)
from quizzes.statistics import (
    EXPLANATIONS,
    in_page_language,
    misconception_statistics,
    question_statistics,
    statistics_responses,
)
from quizzes.validation import check_faulty_line, check_question, check_variants, numeric_problems


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
            # A field shown read-only (a faulty line's number and text) is read from the row itself;
            # the rules read the English texts (text_en) under their own names.
            data = dict(form.cleaned_data)
            for name in ("text", "match_text", "feedback"):
                if (column := translated.localized(name, translated.DEFAULT)) in data:
                    data[name] = data[column] or ""  # an empty language field cleans to None
            kept.append({"order": form.instance.order, "text": form.instance.text, **data})
        if deleted and question.pk and question.responses.exists():
            raise ValidationError(
                _(
                    "Learners have answered this question, so its choices cannot be deleted (their answers point to "
                    "them). Unpublish the question and write a new one instead."
                )
            )
        if any(c.get("misconception") and c.get("is_correct") for c in kept):
            raise ValidationError(_("Only a wrong choice can carry a misconception: a correct one represents none."))
        if question.kind == QuestionKind.FAULTY_LINE:
            raise_problems(self._faulty_line_problems(question, kept))
        else:
            raise_problems(
                check_question(
                    question.kind, kept, numeric_answer=question.numeric_answer, tolerance=question.tolerance
                )
            )

    def _faulty_line_problems(self, question: Question, kept: list[dict]) -> list[str]:
        """The listed lines (their "order" is the line number) against the artifact."""
        count = len(artifact_lines(question.artifact))
        numbers = [c.get("order") for c in kept]
        problems = [
            ngettext(
                "Line %(n)d is not in the artifact: it has %(count)d line.",
                "Line %(n)d is not in the artifact: it has %(count)d lines.",
                count,
            )
            % {"n": n, "count": count}
            for n in dict.fromkeys(numbers)
            if not count or not 1 <= (n or 0) <= count
        ]
        problems += [
            _("Line %(n)d is listed twice.") % {"n": n} for n in dict.fromkeys(numbers) if numbers.count(n) > 1
        ]
        correct = [c.get("order") for c in kept if c.get("is_correct")]
        return problems or check_faulty_line(count, correct, question.select_count)


def raise_problems(problems: list[str]) -> None:
    if problems:
        raise ValidationError(problems)


class ChoiceInline(SafeIdFieldsMixin, TranslationStackedInline):
    """The choices; of a find-the-faulty-line question, its lines: on the add page list the faulty and
    the tempting lines by number ("order"); once saved, every line of the artifact is a row.

    Stacked, each language's text beside the other's: as a table, the texts, matches and feedback in
    both languages made the form about 3,300 px wide."""

    model = Choice
    formset = ChoiceInlineFormSet
    fields = ("order", "text", "is_correct", "match_text", "feedback", "misconception")
    extra = 0
    ordering = ("order", "id")
    formfield_overrides = FORMFIELD_OVERRIDES
    autocomplete_fields = ("misconception",)

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 4

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_faulty_line:  # the line's text is the artifact's: never translated
            return ("order", "text", "is_correct", *self.replace_orig_field(("feedback",)), "misconception")
        return self.replace_orig_field(self.fields)

    def get_fieldsets(self, request, obj=None):
        """One line per field, its languages side by side (the order and the verdict share a line)."""
        fields = list(self.get_fields(request, obj))
        lines, seen = [], set()
        for name in fields:
            base = name.rsplit("_", 1)[0] if name.endswith(("_en", "_vi")) else name
            if base in seen:
                continue
            seen.add(base)
            group = tuple(f for f in fields if f == base or f.rsplit("_", 1)[0] == base and f.endswith(("_en", "_vi")))
            lines.append(group if len(group) > 1 else group[0])
        if "order" in lines and "is_correct" in lines:
            lines.remove("is_correct")
            lines[lines.index("order")] = ("order", "is_correct")
        return [(None, {"fields": lines})]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_faulty_line:
            return ("order", "text")  # the artifact decides the lines: edit it above
        return ()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name in ("text_en", "text_vi"):  # a faulty line's text comes from the artifact
            if name in formset.form.base_fields:
                formset.form.base_fields[name].required = False
        return formset


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
    """The quiz's questions: order, pool, points and publishing at a glance. A question is added on its
    own page, where its prompt, explanation and choices are written and checked together (a row added
    here would be a published question without a prompt or choices)."""

    model = Question
    formset = QuestionInlineFormSet
    fields = ("order", "key", "kind", "pool", "scenario", "points", "published", "edit_link")
    readonly_fields = ("key", "kind", "edit_link")
    extra = 0
    ordering = ("order", "id")
    formfield_overrides = FORMFIELD_OVERRIDES

    def has_add_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["pool"].queryset = Pool.objects.filter(quiz=obj) if obj else Pool.objects.none()
        return formset

    @admin.display(description=_("Prompt and choices"))
    def edit_link(self, obj):
        if not obj.pk:
            return _("Save, then edit the prompt and choices.")
        return format_html('<a href="{}">{}</a>', reverse("admin:quizzes_question_change", args=[obj.pk]), _("Edit"))


class PoolInlineFormSet(forms.BaseInlineFormSet):
    """A quiz's pools and draws, checked in plain words: each drawn pool holds enough published
    questions, and no published question is left out of every drawn pool."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        quiz = self.instance
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        keys = [f.cleaned_data.get("key") for f in kept]
        problems = [_("Two pools are called “%(key)s”.") % {"key": k} for k in dict.fromkeys(keys) if keys.count(k) > 1]
        drawn = [f for f in kept if f.cleaned_data.get("draw_count")]
        if quiz.pk and drawn:
            published = quiz.questions.published()
            for form in drawn:
                pool, count = form.instance, form.cleaned_data["draw_count"]
                available = published.filter(pool=pool).count() if pool.pk else 0
                if available < count:
                    problems.append(
                        ngettext(
                            "Pool “%(key)s” has %(n)d published question: it cannot draw %(count)d.",
                            "Pool “%(key)s” has %(n)d published questions: it cannot draw %(count)d.",
                            available,
                        )
                        % {"key": form.cleaned_data["key"], "n": available, "count": count}
                    )
            drawn_ids = [f.instance.pk for f in drawn if f.instance.pk]
            left_out = list(published.exclude(pool__in=drawn_ids).values_list("key", flat=True)[:6])
            if left_out:
                problems.append(
                    _(
                        "The quiz draws from pools, but these published questions are in no drawn pool and would "
                        "never be asked: %(keys)s. Put them in a drawn pool, or unpublish them."
                    )
                    % {"keys": ", ".join(left_out)}
                )
        raise_problems(problems)


class PoolInline(TranslationTabularInline):
    """The quiz's question pools; one with a count is a slot: each attempt draws that many of its
    published questions. Without any count, every published question is asked."""

    model = Pool
    formset = PoolInlineFormSet
    fields = ("order", "key", "title", "lesson", "draw_count", "published_questions")
    readonly_fields = ("published_questions",)
    extra = 0
    ordering = ("order", "id")
    formfield_overrides = FORMFIELD_OVERRIDES

    def get_formset(self, request, obj=None, **kwargs):
        """The lesson that teaches a pool is one of the quiz's module."""
        formset = super().get_formset(request, obj, **kwargs)
        lessons = Lesson.objects.filter(module_id=obj.module_id) if obj else Lesson.objects.none()
        formset.form.base_fields["lesson"].queryset = lessons
        return formset

    @admin.display(description=_("published questions"))
    def published_questions(self, obj):
        return obj.questions.published().count() if obj.pk else "—"


@admin.register(Quiz)
class QuizAdmin(SearchEveryLanguage, ContentChangesAdmin, TranslationAdmin):
    list_display = ("title", "module", "lesson", "pass_mark", "published", "question_count", "asks")
    list_filter = ("module__path", "module", "published")
    list_select_related = ("module", "lesson")
    search_fields = ("title", "module__title")
    inlines = [PoolInline, QuestionInline]
    readonly_fields = ("add_question",)
    formfield_overrides = FORMFIELD_OVERRIDES

    @admin.display(description=_("asked per attempt"))
    def asks(self, obj):
        return obj.questions_per_attempt()

    def get_urls(self):
        return [
            path(
                "<int:pk>/statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="quizzes_quiz_statistics",
            ),
            *super().get_urls(),
        ]

    def statistics_view(self, request, pk):
        """Every question's statistics and the quiz's wrong answers grouped by misconception."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        quiz = get_object_or_404(Quiz, pk=pk)
        questions = list(quiz.questions.select_related("pool").order_by("order", "id"))
        stats = question_statistics([q.pk for q in questions])
        misconceptions = misconception_statistics([q.pk for q in questions])
        in_page_language(stats.values(), misconceptions)
        return TemplateResponse(
            request,
            "admin/quizzes/quiz_statistics.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Statistics of “%(quiz)s”") % {"quiz": quiz.title},
                "quiz": quiz,
                "rows": [(q, stats[q.pk]) for q in questions],
                "misconceptions": misconceptions,
                "explanations": EXPLANATIONS,
                "opts": self.model._meta,
            },
        )

    @admin.display(description=_("Questions"))
    def add_question(self, obj):
        if not obj or not obj.pk:
            return _("Save the quiz, then add its questions.")
        url = reverse("admin:quizzes_question_add") + f"?quiz={obj.pk}&order={obj.questions.count() + 1}"
        return format_html(
            '<a class="addlink" href="{}">{}</a> · <a href="{}">{}</a>',
            url,
            _("Add a question to this quiz"),
            reverse("admin:quizzes_quiz_statistics", args=[obj.pk]),
            _("Statistics"),
        )

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
            "variants",
            "pool",
            "scenario",
            "artifact",
            "artifact_language",
            "select_count",
            "accepted_answers",
        )
        widgets = {
            **{
                f"{name}_{language}": forms.Textarea(attrs={"rows": rows, "class": "vLargeTextField"})
                for name, rows in (("prompt_md", 8), ("explanation_md", 6))
                for language in translated.languages()
            },
            "artifact": forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField", "spellcheck": "false"}),
            "variants": forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        self.fields["key"].help_text = _("A stable name for the content files; left empty, one is made up.")
        quiz_id = self.instance.quiz_id or self.initial.get("quiz") or self.data.get("quiz")
        known = str(quiz_id or "").isdigit() and storable(Quiz._meta.pk, int(quiz_id))  # a typed id may be anything
        pools = Pool.objects.filter(quiz_id=quiz_id) if known else Pool.objects.none()
        self.fields["pool"].queryset = pools
        if "select_count" in self.fields:  # shown for a find-the-faulty-line question only
            self.fields["select_count"].required = False

    def clean_select_count(self):
        return self.cleaned_data.get("select_count") or 1

    def clean_variants(self):
        return self.cleaned_data.get("variants") or []

    def clean_accepted_answers(self):
        answers = self.cleaned_data.get("accepted_answers") or []
        if not isinstance(answers, list) or not all(isinstance(answer, str) and answer.strip() for answer in answers):
            raise ValidationError(_('Write a list of answers in quotes, like ["blue/green", "xanh/lam"].'))
        return [answer.strip() for answer in answers]

    def clean_tolerance(self):
        tolerance = self.cleaned_data.get("tolerance")
        if tolerance is not None and tolerance < 0:
            raise ValidationError(_("The tolerance cannot be negative: answers within ± this value are correct."))
        return tolerance

    def clean_artifact(self):
        artifact = self.cleaned_data.get("artifact", "").replace("\r\n", "\n").rstrip()
        lines = artifact_lines(artifact)
        if len(lines) > MAX_ARTIFACT_LINES:
            raise ValidationError(
                ngettext(
                    "The artifact has %(n)d line; keep it to %(max)d (show the part that matters).",
                    "The artifact has %(n)d lines; keep it to %(max)d (show the part that matters).",
                    len(lines),
                )
                % {"n": len(lines), "max": MAX_ARTIFACT_LINES}
            )
        long = [n for n, line in enumerate(lines, start=1) if len(line) > MAX_LINE_LENGTH]
        if long:
            raise ValidationError(
                _("Line %(n)d of the artifact is longer than %(max)d characters: shorten it.")
                % {"n": long[0], "max": MAX_LINE_LENGTH}
            )
        return artifact

    def clean(self):
        """Each problem beside the field it concerns (a field the form does not show: at the top)."""
        cleaned = super().clean()
        kind = cleaned.get("kind")
        problems = []

        def problem(field: str, message: str) -> None:
            if field in self.fields:
                self.add_error(field, message)
            else:
                problems.append(message)

        if kind == QuestionKind.FAULTY_LINE:
            count = len(artifact_lines(cleaned.get("artifact", "")))
            if not count and "artifact" not in self.errors:
                problem(
                    "artifact", _("A find-the-faulty-line question needs an artifact: the log, plan or file to read.")
                )
            elif count and self.instance.pk:  # lines learners selected cannot disappear
                gone = (
                    ResponseChoice.objects.filter(choice__question=self.instance, choice__order__gt=count)
                    .values_list("choice__order", flat=True)
                    .first()
                )
                if gone:
                    problem(
                        "artifact",
                        _(
                            "Learners selected line %(n)d, which the new artifact no longer has. Keep the artifact's "
                            "length, or unpublish this question and write a new one."
                        )
                        % {"n": gone},
                    )
        if cleaned.get("variants"):
            if kind != QuestionKind.NUMERIC:
                problem("variants", _("Only numeric questions have variants: empty the variants field."))
            else:
                # every language's prompt and explanation use only the variants' placeholders
                texts = {
                    name: "\n".join(cleaned.get(f"{name}_{language}") or "" for language in translated.languages())
                    for name in ("prompt_md", "explanation_md")
                }
                variants, variant_problems = check_variants(
                    cleaned["variants"], texts["prompt_md"], texts["explanation_md"]
                )
                for message in variant_problems:
                    problem("variants", message)
                if not variant_problems:
                    cleaned["variants"] = variants
                    # the question's own answer is its first variant's (see Question.save)
                    cleaned["numeric_answer"] = Decimal(variants[0]["answer"])
                    cleaned["tolerance"] = Decimal(variants[0]["tolerance"])
        if kind == QuestionKind.NUMERIC and "variants" not in self.errors:
            for field, message in numeric_problems(cleaned.get("numeric_answer"), cleaned.get("tolerance")).items():
                if field not in self.errors:  # "cannot be negative" already says it
                    problem(field, message)
        pool, quiz = cleaned.get("pool"), cleaned.get("quiz")
        if pool is not None and quiz is not None and pool.quiz_id != quiz.pk:
            problem("pool", _("The pool belongs to another quiz: choose one of this quiz's pools."))
        raise_problems(problems)
        return cleaned


# What each kind asks of its author, on the page that starts a new question.
KIND_HELP = {
    QuestionKind.SINGLE: _("Choices, exactly one of them correct."),
    QuestionKind.MULTIPLE: _("Choices, one or more correct; partial credit."),
    QuestionKind.TRUE_FALSE: _("The two choices True and False, one correct."),
    QuestionKind.ORDERING: _("Three or more items, listed in the right order."),
    QuestionKind.MATCHING: _("Three or more items, each with its match."),
    QuestionKind.NUMERIC: _("A number, a tolerance and a unit; variants optional. No choices."),
    QuestionKind.SHORT_TEXT: _("The accepted answers, as correct choices."),
    QuestionKind.FAULTY_LINE: _("A log, plan or file; the faulty lines by number."),
}


@admin.register(Question)
class QuestionAdmin(SearchEveryLanguage, ContentChangesAdmin, TranslationAdmin):
    form = QuestionForm
    list_display = ("key", "quiz", "kind", "pool", "scenario", "points", "published", "responses_count", "facility")
    list_filter = ("quiz__module", "kind", "scenario", "published")
    list_select_related = ("quiz", "pool")
    search_fields = ("key", "prompt_md", "explanation_md")
    ordering = ("quiz", "order")
    inlines = [ChoiceInline]
    readonly_fields = ("usage", "rendered_prompt")
    actions = ["regrade_action"]
    formfield_overrides = FORMFIELD_OVERRIDES
    MAIN = (None, {"fields": ("quiz", "key", "kind", "order", "pool", "scenario", "points", "published", "usage")})
    TEXT = (_("Text"), {"fields": ("prompt_md", "explanation_md", "rendered_prompt")})
    FAULTY_LINE = (
        _("Find the faulty line"),
        {
            "fields": ("artifact", "artifact_language", "select_count"),
            "description": _(
                "Paste the log, plan or file: each line becomes a choice. List the faulty line(s) and the "
                "tempting ones below by line number, with a feedback; after saving, every line is listed."
            ),
        },
    )
    SHORT_TEXT = (
        _("More accepted answers"),
        {
            "fields": ("accepted_answers",),
            "description": _(
                "The correct choices' texts are accepted in every language; list here further answers "
                'learners may type, like ["triển khai xanh/lam"].'
            ),
        },
    )
    NUMERIC = (
        _("The answer"),
        {
            "fields": ("numeric_answer", "tolerance", "unit", "variants"),
            "description": _("Answers within ± the tolerance are correct. Variants: see the content guide."),
        },
    )

    def chosen_kind(self, request, obj=None) -> str | None:
        """The kind the page is for: the one posted, else the one chosen in the link, else the question's."""
        return request.POST.get("kind") or request.GET.get("kind") or (obj.kind if obj else None)

    def get_fieldsets(self, request, obj=None):
        """The fields of the chosen kind only: a numeric question's answer, a faulty-line question's artifact."""
        kind = self.chosen_kind(request, obj)
        extra = {
            QuestionKind.FAULTY_LINE: [self.FAULTY_LINE],
            QuestionKind.NUMERIC: [self.NUMERIC],
            QuestionKind.SHORT_TEXT: [self.SHORT_TEXT],
        }.get(kind, [])
        return [
            (name, {**options, "fields": self.replace_orig_field(options["fields"])})
            for name, options in [self.MAIN, self.TEXT, *extra]
        ]

    def get_inlines(self, request, obj=None):
        """No choices for a numeric question: it has none."""
        return [] if self.chosen_kind(request, obj) == QuestionKind.NUMERIC else self.inlines

    def add_view(self, request, form_url="", extra_context=None):
        """Choose the kind first (a link each: no JavaScript needed), then the form of that kind."""
        if request.method == "GET" and request.GET.get("kind") not in QuestionKind.values:
            if not self.has_add_permission(request):
                raise PermissionDenied
            kinds = []
            for value, label in QuestionKind.choices:
                query = request.GET.copy()
                query["kind"] = value
                kinds.append({"label": label, "help": KIND_HELP.get(value, ""), "query": query.urlencode()})
            return TemplateResponse(
                request,
                "admin/quizzes/question/choose_kind.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Add question: choose its kind"),
                    "kinds": kinds,
                    "opts": self.model._meta,
                },
            )
        return super().add_view(request, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.is_faulty_line:
            form.instance.sync_artifact_lines()

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
        return percentage_text(100 * Decimal(str(obj.stat_avg)) / obj.points)

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
        in_page_language([stats])
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


@admin.register(Misconception)
class MisconceptionAdmin(SearchEveryLanguage, ContentChangesAdmin, TranslationAdmin):
    """The misconception tags; its statistics page groups learners' wrong answers by tag."""

    list_display = ("tag", "description", "choices_count")
    search_fields = ("tag", "description")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(choices_n=Count("choices"))

    @admin.display(description=_("choices tagged"), ordering="choices_n")
    def choices_count(self, obj):
        return obj.choices_n

    def get_urls(self):
        return [
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="quizzes_misconception_statistics",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"statistics_url": reverse("admin:quizzes_misconception_statistics"), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def statistics_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        misconceptions = misconception_statistics()
        in_page_language(misconceptions=misconceptions)
        return TemplateResponse(
            request,
            "admin/quizzes/misconception_statistics.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Wrong answers by misconception"),
                "misconceptions": misconceptions,
                "explanations": EXPLANATIONS,
                "opts": self.model._meta,
            },
        )


@admin.register(AttemptAllowance)
class AttemptAllowanceAdmin(SearchEveryLanguage, SafeIdFieldsMixin, admin.ModelAdmin):
    """Grants of extra attempts and time. A grant is a record (who, when, why): once saved it is
    read-only; grant again to give more. Extra time reaches an attempt already running."""

    list_display = ("user", "quiz", "extra_attempts", "extra_minutes", "reason", "granted_by", "created_at")
    list_select_related = ("user", "quiz", "granted_by")
    search_fields = ("user__username", "user__email", "quiz__title")
    autocomplete_fields = ("user",)
    fields = ("user", "quiz", "extra_attempts", "extra_minutes", "reason", "granted_by", "created_at")
    readonly_fields = ("granted_by", "created_at")
    formfield_overrides = FORMFIELD_OVERRIDES

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
        if obj.extra_minutes:
            attempts.refresh_deadlines(Attempt.objects.filter(quiz=obj.quiz, user=obj.user))


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ("question", "answer_text", "points", "is_correct", "answered", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(SearchEveryLanguage, admin.ModelAdmin):
    """Attempts, read-only. Those whose time ran out are closed (at their deadlines) before a page
    of them is shown, so that none reads open here."""

    list_display = (
        "quiz",
        "user",
        "number",
        "started_at",
        "deadline",
        "submitted_at",
        "timed_out",
        "score",
        "max_score",
        "passed",
    )
    list_filter = ("quiz__module", "passed")
    list_select_related = ("quiz", "user")
    search_fields = ("user__username", "quiz__title")
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [ResponseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        attempts.close_expired()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        attempts.close_expired()
        return super().change_view(request, object_id, form_url, extra_context)
