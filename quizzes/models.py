import copy
import re
import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from courses.models import ImportedContent, Lesson, Module, VersionedQuerySet
from devopslearn.lib import translated
from devopslearn.lib.markdown import plain_text, render_markdown
from devopslearn.lib.numbers import plain_number, written_number

POINTS = {"max_digits": 12, "decimal_places": 6}
SIX_PLACES = Decimal("0.000001")


class QuizQuerySet(VersionedQuerySet):
    def published(self):
        return self.filter(published=True)

    def shown_to_learners(self):
        """Quizzes a learner can meet: published, in a published module, and for a lesson's quiz a
        published lesson. No page outside the admin and the preview shows another quiz or its
        questions (QuestionQuerySet.shown_to_learners); Quiz.is_shown_to_learners is this rule for a
        loaded quiz (tests/security/test_unpublished_content.py holds them equal)."""
        return self.filter(published=True, module__published=True).filter(
            Q(lesson__isnull=True) | Q(lesson__published=True)
        )

    def module_quizzes(self):
        return self.filter(lesson__isnull=True)


class Quiz(ImportedContent):
    IMPORT_FIELDS = (
        "title",
        "pass_mark",
        "shuffle_questions",
        "shuffle_choices",
        "max_attempts",
        "time_limit_minutes",
        "published",
    )

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="quizzes")
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="knowledge_checks",
        help_text=_("Leave empty for the module quiz; set it for a short knowledge check after a lesson."),
    )
    key = models.SlugField(_("key"), max_length=120, default="module")
    title = models.CharField(_("title"), max_length=200)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: unlimited."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no time limit."),
    )
    published = models.BooleanField(_("published"), default=False)

    objects = QuizQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["module", "key"], name="quizzes_quiz_unique_key_in_module"),
            models.UniqueConstraint(
                fields=["module"], condition=Q(lesson__isnull=True), name="quizzes_one_module_quiz_per_module"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz", args=[self.pk])

    @property
    def is_shown_to_learners(self) -> bool:
        """QuizQuerySet.shown_to_learners for this quiz (its module and lesson loaded)."""
        return self.published and self.module.published and (self.lesson_id is None or self.lesson.published)

    def extra_minutes_for(self, user) -> int:
        """The minutes granted to ``user`` on top of this quiz's time limit (AttemptAllowance)."""
        return self.allowances.filter(user=user).aggregate(n=Sum("extra_minutes"))["n"] or 0

    def attempts_allowed_for(self, user) -> int | None:
        if self.max_attempts is None:
            return None
        extra = self.allowances.filter(user=user).aggregate(n=Sum("extra_attempts"))["n"] or 0
        return self.max_attempts + extra

    def drawn_pools(self) -> list["Pool"]:
        """The pools each attempt draws from, in slot order; empty when every question is asked."""
        return [pool for pool in self.pools.all() if pool.draw_count]

    def questions_per_attempt(self) -> int:
        """How many questions an attempt asks: the draws' counts (at most what each pool holds), or
        every published question."""
        published = self.questions.published()
        drawn = self.drawn_pools()
        if not drawn:
            return published.count()
        available = dict(
            published.filter(pool__in=drawn).values_list("pool_id").annotate(n=models.Count("id")).order_by()
        )
        return sum(min(pool.draw_count, available.get(pool.pk, 0)) for pool in drawn)


KEY = RegexValidator(r"^[-a-zA-Z0-9_]+$", _("Use letters, digits, - and _ only."))
TAG = RegexValidator(r"^[a-z0-9-]+$", _("Use lowercase letters, digits and - only."))


class Misconception(ImportedContent):
    """A reusable tag for the wrong idea a distractor represents (``canary-on-ec2``): statistics group
    wrong answers by it across questions."""

    IMPORT_FIELDS = ("description",)

    tag = models.CharField(_("tag"), max_length=60, unique=True, validators=[TAG])
    description = models.CharField(_("description"), max_length=300, help_text=_("One line of plain text."))

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("misconception")
        verbose_name_plural = _("misconceptions")
        ordering = ["tag"]

    def __str__(self) -> str:
        return self.tag


class Pool(ImportedContent):
    """A named group of a quiz's questions. A pool with a draw count is a slot of the quiz: each attempt
    draws that many of its published questions (Moodle's random questions from a category)."""

    IMPORT_FIELDS = ("title", "draw_count", "order", "lesson_id")
    LATER_IMPORT_FIELDS = {"lesson_id": None}

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="pools")
    key = models.CharField(_("key"), max_length=60, validators=[KEY])
    title = models.CharField(_("title"), max_length=200, blank=True)
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lesson"),
        help_text=_(
            "The lesson of the quiz's module that teaches this topic: a learner who misses its questions is sent there."
        ),
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many of the pool's questions each attempt asks. Empty: the pool is not drawn from."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("question pool")
        verbose_name_plural = _("question pools")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="quizzes_pool_unique_key_in_quiz")]

    def __str__(self) -> str:
        return self.title or self.key

    def clean(self):
        super().clean()
        if self.lesson_id and self.quiz_id and self.lesson.module_id != self.quiz.module_id:
            raise ValidationError({"lesson": _("Choose a lesson of the quiz's own module.")})


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    ORDERING = "ordering", _("Ordering")
    MATCHING = "matching", _("Matching")
    NUMERIC = "numeric", _("Numeric")
    SHORT_TEXT = "short_text", _("Short text")
    FAULTY_LINE = "faulty_line", _("Find the faulty line")


# Kinds answered by picking choices (a faulty line is one choice per line of its artifact).
CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FAULTY_LINE}


class ArtifactLanguage(models.TextChoices):
    LOG = "log", _("log")
    YAML = "yaml", "YAML"
    JSON = "json", "JSON"
    HCL = "hcl", "HCL"
    DIFF = "diff", _("diff")
    TEXT = "text", _("text")
    DOCKERFILE = "dockerfile", "Dockerfile"
    CONSOLE = "console", _("console")


MAX_ARTIFACT_LINES = 200
MAX_LINE_LENGTH = 500  # a line is a choice's text
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def artifact_lines(artifact: str) -> list[str]:
    """The lines of a faulty-line artifact (line n is item n - 1); trailing blank lines are dropped."""
    text = (artifact or "").replace("\r\n", "\n").rstrip()
    return text.split("\n") if text else []


PLAIN_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")  # a number as the content files write one: "99.9"


def variant_values(variant: dict, language: str | None = None) -> dict[str, str]:
    """The placeholder values of a numeric variant as text, ``answer`` included: in the plain form
    ("99.9") without ``language`` (checks, files), else as ``language`` writes numbers ("99,9" in
    Vietnamese), for the prompt and explanation of that language. A value given as text that is a
    plain number ("99.95", quoted to keep its digits) is a number too; other text stays as it is.
    Grading reads the variant itself, never these texts."""

    def text(value) -> str:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float | Decimal):
            number = plain_number(Decimal(str(value)))
        elif PLAIN_NUMBER.match(str(value).strip()):
            number = str(value).strip()
        else:
            return str(value)
        return number if language is None else written_number(number, language)

    values = {name: text(v) for name, v in (variant.get("values") or {}).items()}
    if variant.get("answer") is not None:
        values["answer"] = text(Decimal(str(variant["answer"])))
    return values


def missing_placeholders(text: str, values: dict) -> list[str]:
    return [name for name in dict.fromkeys(PLACEHOLDER.findall(text or "")) if name not in values]


def fill_placeholders(text: str, values: dict) -> str:
    """``{name}`` replaced by its value; a placeholder without a value is left as it is."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


class QuestionQuerySet(VersionedQuerySet):
    def published(self):
        return self.filter(published=True)

    def shown_to_learners(self):
        """Published questions of the quizzes a learner can meet (QuizQuerySet.shown_to_learners)."""
        return self.filter(published=True, quiz__in=Quiz.objects.shown_to_learners())


class Question(ImportedContent):
    IMPORT_FIELDS = (
        "kind",
        "prompt_md",
        "explanation_md",
        "points",
        "order",
        "numeric_answer",
        "tolerance",
        "unit",
        "published",
        "pool_id",
        "scenario",
        "artifact",
        "artifact_language",
        "select_count",
        "variants",
        "accepted_answers",
    )
    LATER_IMPORT_FIELDS = {
        "pool_id": None,
        "scenario": False,
        "artifact": "",
        "artifact_language": "",
        "select_count": 1,
        "variants": [],
        "accepted_answers": [],
    }

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=120, help_text=_("Stable identifier used by the content files."))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    prompt_md = models.TextField(_("prompt (markdown)"))
    prompt_html = models.TextField(editable=False, blank=True)
    explanation_md = models.TextField(_("explanation (markdown)"), help_text=_("Shown after the learner answers."))
    explanation_html = models.TextField(editable=False, blank=True)
    points = models.DecimalField(_("points"), default=Decimal(1), validators=[MinValueValidator(0)], **POINTS)
    order = models.PositiveIntegerField(_("order"), default=0)
    numeric_answer = models.DecimalField(_("numeric answer"), max_digits=24, decimal_places=6, null=True, blank=True)
    tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Answers within ± this value are correct."),
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    # A new question starts unpublished: a half-written one must not reach learners (the content
    # files say published: true or false for each; the admin publishes with a tick).
    published = models.BooleanField(_("published"), default=False)
    pool = models.ForeignKey(
        Pool,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("pool"),
        help_text=_("The pool of the quiz this question belongs to; required when the quiz draws from pools."),
    )
    scenario = models.BooleanField(
        _("scenario"), default=False, help_text=_("A Professional-exam style scenario with several constraints.")
    )
    artifact = models.TextField(
        _("artifact"),
        blank=True,
        help_text=_("Find the faulty line: the log, plan or file the learner reads; each line becomes one choice."),
    )
    artifact_language = models.CharField(
        _("artifact language"), max_length=12, choices=ArtifactLanguage.choices, blank=True
    )
    select_count = models.PositiveSmallIntegerField(
        _("lines to select"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Find the faulty line: 1 = exactly one line; more = up to that many lines."),
    )
    variants = models.JSONField(
        _("variants"),
        default=list,
        blank=True,
        help_text=_(
            'Numeric questions: a list like [{"values": {"deploys": 48, "days": 30}, "answer": 1.6, '
            '"tolerance": 0.05}]; {deploys} in the prompt and explanation takes the drawn variant\'s value.'
        ),
    )
    accepted_answers = models.JSONField(
        _("more accepted answers"),
        default=list,
        blank=True,
        help_text=_(
            "Short text: answers accepted besides the correct choices' texts, in any language "
            '(from the translations\' accept lists), like ["triển khai xanh/lam"].'
        ),
    )
    # Each variant's prompt and explanation, rendered: [{"prompt_html": ..., "explanation_html": ...}].
    variants_html = models.JSONField(default=list, editable=False, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "key"], name="quizzes_question_unique_key_in_quiz"),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0) | Q(tolerance__isnull=True),
                name="quizzes_question_tolerance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz.title if self.quiz_id else ''} · {self.key}"

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = f"q-{secrets.token_hex(4)}"
        if self.variants:  # the question's own answer is its first variant's, for pages that know no variant
            self.numeric_answer, self.tolerance = self.variant_key(0)
        rendered = self.rendered_values()
        for name, value in rendered.items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *rendered}
        super().save(*args, **kwargs)

    def rendered_values(self) -> dict:
        """The stored renderings in each language, so that load_content can refresh ones an older
        renderer made. With variants, the question's own prompt and explanation are its first
        variant's. A language without a translated prompt gets none (the English shows); one with a
        prompt but no explanation renders the English explanation beside it (a variant never shows
        another variant's numbers)."""
        values = {}
        for language in translated.languages():
            prompt_md = translated.in_language(self, "prompt_md", language) or ""
            explanation_md = translated.in_language(self, "explanation_md", language) or ""
            if language != translated.DEFAULT and not (prompt_md or explanation_md):
                values.update(
                    {
                        translated.localized("prompt_html", language): "",
                        translated.localized("explanation_html", language): "",
                        translated.localized("variants_html", language): [],
                    }
                )
                continue
            # A variant's numbers as the text's language writes them ("99,9" in Vietnamese); an English
            # text shown in its place keeps English numbers, like the rest of its sentence.
            english = translated.DEFAULT
            prompt_language = language if prompt_md else english
            explanation_language = language if explanation_md else english
            prompt_md = prompt_md or translated.in_language(self, "prompt_md", english) or ""
            explanation_md = explanation_md or translated.in_language(self, "explanation_md", english) or ""
            rendered = [
                {
                    "prompt_html": render_markdown(
                        fill_placeholders(prompt_md, variant_values(variant, prompt_language))
                    ),
                    "explanation_html": render_markdown(
                        fill_placeholders(explanation_md, variant_values(variant, explanation_language))
                    ),
                }
                for variant in self.variants or []
            ]
            first = rendered[0] if rendered else {}
            values[translated.localized("prompt_html", language)] = first.get("prompt_html") or render_markdown(
                prompt_md
            )
            values[translated.localized("explanation_html", language)] = first.get(
                "explanation_html"
            ) or render_markdown(explanation_md)
            values[translated.localized("variants_html", language)] = rendered
        return values

    @property
    def prompt_text(self) -> str:
        """The prompt as plain text, for lists and tables (no markdown syntax, no markup)."""
        return plain_text(self.prompt_html)

    @property
    def is_choice_kind(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_faulty_line(self) -> bool:
        return self.kind == QuestionKind.FAULTY_LINE

    @property
    def selects_several(self) -> bool:
        """Graded like a multiple-choice question: partial credit, each wrong pick removes a share."""
        return self.kind == QuestionKind.MULTIPLE or (self.is_faulty_line and self.select_count > 1)

    def variant_key(self, index: int) -> tuple[Decimal | None, Decimal | None]:
        """(answer, tolerance) of variant ``index``."""
        variant = self.variants[index]
        tolerance = variant.get("tolerance")
        return Decimal(str(variant["answer"])), Decimal(str(tolerance)) if tolerance is not None else Decimal(0)

    def sync_artifact_lines(self) -> None:
        """Make a faulty-line question's choices its artifact's lines: choice ``line-n`` (order n) holds
        line n; a line without a choice gets one (a wrong line, no feedback); choices past the last
        line are deleted (the admin refuses to drop a line a learner selected)."""
        lines = artifact_lines(self.artifact)
        by_line: dict[int, Choice] = {}
        for choice in self.choices.order_by("order", "id"):
            if 1 <= choice.order <= len(lines) and choice.order not in by_line:
                by_line[choice.order] = choice
            else:
                choice.delete()
        # A line's text is the artifact's, never translated: it is the English column, whoever edits.
        english = translated.localized("text", translated.DEFAULT)
        for number, text in enumerate(lines, start=1):
            choice = by_line.get(number)
            if choice is None:
                Choice.objects.create(question=self, key=line_key(number), order=number, **{english: text})
            elif (choice.key, getattr(choice, english)) != (line_key(number), text):
                choice.key = line_key(number)
                setattr(choice, english, text)
                choice.save(update_fields=["key", english, "updated_at"])

    def with_variant(self, index: int | None) -> "Question":
        """This question as variant ``index`` asks it: a copy whose prompt, explanation, answer and
        tolerance are that variant's (the question itself when it has no such variant)."""
        if index is None or not 0 <= index < len(self.variants or []) or index >= len(self.variants_html or []):
            return self
        asked = copy.copy(self)
        asked.numeric_answer, asked.tolerance = self.variant_key(index)
        asked.prompt_html = self.variants_html[index]["prompt_html"]
        asked.explanation_html = self.variants_html[index]["explanation_html"]
        return asked


class Choice(ImportedContent):
    IMPORT_FIELDS = ("text", "is_correct", "feedback", "order", "match_text", "misconception_id")
    LATER_IMPORT_FIELDS = {"misconception_id": None}

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(_("key"), max_length=120)
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(_("feedback"), blank=True, help_text=_("Shown when the learner picks this choice."))
    order = models.PositiveIntegerField(
        _("order"),
        default=0,
        help_text=_("For ordering questions: the right position. For find-the-faulty-line: the line number."),
    )
    match_text = models.CharField(
        _("match"), max_length=500, blank=True, help_text=_("For matching questions: what this item pairs with.")
    )
    misconception = models.ForeignKey(
        Misconception,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="choices",
        verbose_name=_("misconception"),
        help_text=_("For a wrong choice: the wrong idea it represents."),
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="quizzes_choice_unique_key")]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = f"c-{secrets.token_hex(4)}"
        super().save(*args, **kwargs)

    @property
    def line(self) -> int:
        """The line number of a faulty-line question's choice (its order)."""
        return self.order


def line_key(number: int) -> str:
    """The key of the choice standing for line ``number`` of a faulty-line artifact."""
    return f"line-{number}"


MAX_EXTRA_MINUTES = 24 * 60  # one grant adds at most a day


class AttemptAllowance(models.Model):
    """A grant to one learner on one quiz, by staff (in the admin) or by the learner's cohort lead:
    extra attempts, extra time (an accommodation: minutes added to the quiz's time limit, for new
    attempts and for a running one), or both. Rows are kept as the record of who granted what,
    when and why."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="allowances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempt_allowances")
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    extra_minutes = models.PositiveSmallIntegerField(
        _("extra time (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_EXTRA_MINUTES)],
        help_text=_("Added to the quiz's time limit, also for an attempt already running."),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extra attempt or time")
        verbose_name_plural = _("extra attempts and time")
        constraints = [
            models.CheckConstraint(
                condition=Q(extra_attempts__gt=0) | Q(extra_minutes__gt=0), name="quizzes_allowance_grants_something"
            ),
        ]

    def __str__(self) -> str:
        parts = []
        if self.extra_attempts:
            parts.append(f"+{self.extra_attempts}")
        if self.extra_minutes:
            parts.append(f"+{self.extra_minutes} min")
        return f"{' '.join(parts)} · {self.quiz} · {self.user}"

    def clean(self):
        if not self.extra_attempts and not self.extra_minutes:
            raise ValidationError(_("Grant at least one extra attempt or one extra minute."))


def new_salt() -> str:
    """32 hex characters (secrets.token_hex() alone gives 64: too long for the column on PostgreSQL)."""
    return secrets.token_hex(16)


class AttemptQuerySet(models.QuerySet):
    def closed(self):
        return self.filter(submitted_at__isnull=False)

    def open(self):
        return self.filter(submitted_at__isnull=True)

    def timed(self):
        """Attempts with a deadline (their quiz had a time limit when they started)."""
        return self.filter(deadline__isnull=False)

    def expired(self, now=None):
        """Open attempts past their deadline: closed already in all but the row (Attempt.is_expired);
        quizzes.attempts.close_expired closes them."""
        return self.open().timed().filter(deadline__lte=now or timezone.now())


class Attempt(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="attempts",
        help_text=_("Empty once the learner deleted their account: the answers stay, anonymous."),
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField(_("attempt number"), default=1)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    timed_out = models.BooleanField(default=False)
    score = models.DecimalField(_("score"), default=Decimal(0), **POINTS)
    max_score = models.DecimalField(_("maximum score"), default=Decimal(0), **POINTS)
    passed = models.BooleanField(_("passed"), default=False)
    # The order this attempt showed: [question ids] and {question id: [choice ids]}.
    question_order = models.JSONField(default=list)
    choice_order = models.JSONField(default=dict)
    # The variant each numeric question with variants asks in this attempt: {question id: index}.
    variants = models.JSONField(default=dict, blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz"], condition=Q(submitted_at__isnull=True), name="quizzes_one_open_attempt"
            ),
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="quizzes_attempt_unique_number"),
        ]
        indexes = [
            models.Index(fields=["quiz", "number", "submitted_at"], name="quizzes_attempt_stats_idx"),
            # AttemptQuerySet.expired: the periodic task and every read look for these few rows.
            models.Index(
                fields=["deadline"], condition=Q(submitted_at__isnull=True), name="quizzes_attempt_open_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} · {self.user or _('deleted user')}"

    def get_absolute_url(self) -> str:
        if self.is_open:
            return reverse("quizzes:question", args=[self.public_id, self.current_position()])
        return reverse("quizzes:result", args=[self.public_id])

    @classmethod
    def lock(cls, attempt_id: int) -> "Attempt":
        """The attempt, locked for update until the transaction ends (SQLite: the transaction's write lock)."""
        return cls.objects.select_for_update().get(pk=attempt_id)

    @classmethod
    def load_own(cls, public_id, user_id: int) -> "Attempt | None":
        """The user's attempt with this public id, or None."""
        try:
            return cls.objects.get(public_id=public_id, user_id=user_id)
        except cls.DoesNotExist:
            return None

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    @property
    def percent(self) -> Decimal:
        if not self.max_score:
            return Decimal(0)
        return (self.score * 100 / self.max_score).quantize(SIX_PLACES)

    def is_expired(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) >= self.deadline

    def seconds_left(self) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - timezone.now()).total_seconds()))

    def current_position(self, answered_ids=None) -> int:
        """1-based position of the first unanswered question (the last one when all are answered)."""
        if answered_ids is None:
            answered_ids = set(self.responses.values_list("question_id", flat=True))
        for position, question_id in enumerate(self.question_order, start=1):
            if question_id not in answered_ids:
                return position
        return max(1, len(self.question_order))

    def missed_question_ids(self) -> list[int]:
        """The questions this attempt missed (ResponseQuerySet.missed: wrong, partly right, or left
        unanswered when it closed), in its order: what the result counts and practice asks again."""
        missed = set(self.responses.missed().values_list("question_id", flat=True))
        return [question_id for question_id in self.question_order if question_id in missed]

    def asked(self, question: Question) -> Question:
        """``question`` as this attempt asks it (its drawn variant)."""
        return question.with_variant(self.variants.get(str(question.pk)))

    def token(self, role: str, choice_id: int) -> str:
        """An opaque per-attempt name for a choice: reveals neither its id nor its answer."""
        return salted_hmac(f"attempt-{self.salt}", f"{role}:{choice_id}", algorithm="sha256").hexdigest()[:16]

    @staticmethod
    def new_deadline(quiz: Quiz, started_at, extra_minutes: int = 0):
        """``started_at`` plus the quiz's time limit and the learner's extra minutes; None without a limit."""
        if not quiz.time_limit_minutes:
            return None
        return started_at + timedelta(minutes=quiz.time_limit_minutes + extra_minutes)


class ResponseQuerySet(models.QuerySet):
    def missed(self):
        """What "missed" means everywhere (the result's count and list, practice, review cards): not
        full marks, so answered wrong or partly right, or left unanswered when the attempt closed."""
        return self.filter(fraction__lt=1)


class Response(models.Model):
    """One answer to one question in one attempt: the ground truth of progress and statistics."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    answer = models.JSONField(_("answer"), default=dict, help_text=_("What was answered, by choice id or value."))
    answer_text = models.CharField(_("answer as text"), max_length=500, blank=True)
    selected_choices = models.ManyToManyField(Choice, through="ResponseChoice", related_name="+")
    fraction = models.DecimalField(max_digits=9, decimal_places=6, default=Decimal(0))
    points = models.DecimalField(_("points earned"), default=Decimal(0), **POINTS)
    is_correct = models.BooleanField(_("correct"), default=False)
    answered = models.BooleanField(default=True, help_text=_("False: left unanswered when the attempt closed."))
    answered_at = models.DateTimeField(default=timezone.now)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="quizzes_one_response_per_question"),
        ]
        indexes = [models.Index(fields=["question", "is_correct"], name="quizzes_response_question_idx")]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question.key}"

    @classmethod
    def graded(cls, attempt, question, answer: dict, result, **fields) -> "Response":
        """An unsaved response holding ``result`` (a grading.Grade) of ``answer`` to ``question``."""
        return cls(
            attempt=attempt,
            question=question,
            answer=answer,
            answer_text=result.answer_text,
            fraction=result.fraction,
            points=(question.points * result.fraction).quantize(SIX_PLACES),
            is_correct=result.is_correct,
            **fields,
        )

    @property
    def is_partial(self) -> bool:
        return 0 < self.fraction < 1

    @property
    def is_missed(self) -> bool:
        """One response as ResponseQuerySet.missed reads the table: below full marks."""
        return self.fraction < 1

    @property
    def verdict(self) -> str:
        return verdict(self.is_correct, self.fraction, answered=self.answered)


def verdict(is_correct: bool, fraction, *, answered: bool = True) -> str:
    """What an answer earned, in one word: right, partial, wrong, or unanswered (left blank at closing).
    The feedback's heading, the question chips and the result's filter read it."""
    if not answered:
        return "unanswered"
    if is_correct:
        return "right"
    return "partial" if fraction > 0 else "wrong"


def answered_question_ids(attempt_id: int) -> set[int]:
    """The questions of an attempt that have an answer (not left blank at closing)."""
    answered = Response.objects.filter(attempt_id=attempt_id, answered=True)
    return set(answered.values_list("question_id", flat=True))


def answered_verdicts(attempt_id: int) -> dict[int, str]:
    """{question id: verdict} of the questions of an attempt that have an answer, in one query."""
    answered = Response.objects.filter(attempt_id=attempt_id, answered=True)
    return {
        qid: verdict(ok, fraction)
        for qid, ok, fraction in answered.values_list("question_id", "is_correct", "fraction")
    }


def load_response(attempt_id: int, question_id: int) -> "Response | None":
    try:
        return Response.objects.get(attempt_id=attempt_id, question_id=question_id)
    except Response.DoesNotExist:
        return None


class ResponseChoice(models.Model):
    """A choice the learner picked in a response (single, multiple, true/false): makes choice
    statistics a database aggregate, and protects picked choices from deletion."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE)
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "choice"], name="quizzes_response_choice_unique")]

    def __str__(self) -> str:
        return f"{self.response_id} → {self.choice_id}"
