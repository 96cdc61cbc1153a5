import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from courses.models import ImportedContent, Lesson, Module, VersionedQuerySet
from devopslearn.lib import sql
from devopslearn.lib.markdown import render_markdown

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

    def attempts_allowed_for(self, user) -> int | None:
        if self.max_attempts is None:
            return None
        extra = self.allowances.filter(user=user).aggregate(n=Sum("extra_attempts"))["n"] or 0
        return self.max_attempts + extra


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    ORDERING = "ordering", _("Ordering")
    MATCHING = "matching", _("Matching")
    NUMERIC = "numeric", _("Numeric")
    SHORT_TEXT = "short_text", _("Short text")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}


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
    )

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
    published = models.BooleanField(_("published"), default=True)

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
        for name, value in self.rendered_values().items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "prompt_html", "explanation_html"}
        super().save(*args, **kwargs)

    def rendered_values(self) -> dict:
        """The stored renderings, so that load_content can refresh ones an older renderer made."""
        return {
            "prompt_html": render_markdown(self.prompt_md),
            "explanation_html": render_markdown(self.explanation_md),
        }

    @property
    def is_choice_kind(self) -> bool:
        return self.kind in CHOICE_KINDS


class Choice(ImportedContent):
    IMPORT_FIELDS = ("text", "is_correct", "feedback", "order", "match_text")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(_("key"), max_length=120)
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(_("feedback"), blank=True, help_text=_("Shown when the learner picks this choice."))
    order = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("For ordering questions: the right position.")
    )
    match_text = models.CharField(
        _("match"), max_length=500, blank=True, help_text=_("For matching questions: what this item pairs with.")
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


class AttemptAllowance(models.Model):
    """Extra attempts that staff grant to one learner on one quiz."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="allowances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempt_allowances")
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=1)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extra attempt")
        verbose_name_plural = _("extra attempts")

    def __str__(self) -> str:
        return f"+{self.extra_attempts} · {self.quiz} · {self.user}"


def new_salt() -> str:
    """32 hex characters (secrets.token_hex() alone gives 64: too long for the column on PostgreSQL)."""
    return secrets.token_hex(16)


class AttemptQuerySet(models.QuerySet):
    def closed(self):
        return self.filter(submitted_at__isnull=False)

    def open(self):
        return self.filter(submitted_at__isnull=True)

    def for_statistics(self):
        """Each non-staff learner's first closed attempt (how Moodle computes item statistics)."""
        return self.closed().filter(number=1, user__is_staff=False)


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
        indexes = [models.Index(fields=["quiz", "number", "submitted_at"], name="quizzes_attempt_stats_idx")]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} · {self.user or _('deleted user')}"

    def get_absolute_url(self) -> str:
        if self.is_open:
            return reverse("quizzes:question", args=[self.public_id, self.current_position()])
        return reverse("quizzes:result", args=[self.public_id])

    @classmethod
    def closed_count(cls, user_id: int, quiz_id: int) -> int:
        rows = sql.fetch(
            "SELECT COUNT(*) FROM quizzes_attempt WHERE user_id = %s AND quiz_id = %s AND submitted_at IS NOT NULL",
            [user_id, quiz_id],
            [None],
        )
        return rows[0][0]

    @classmethod
    def lock(cls, attempt_id: int) -> "Attempt":
        """The attempt, locked for update until the transaction ends (SQLite: the transaction's write lock)."""
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        (attempt,) = sql.fetch_instances(cls, f"t.id = %s{lock}", [attempt_id])
        return attempt

    @classmethod
    def load_own(cls, public_id, user_id: int) -> "Attempt | None":
        """The user's attempt with this public id, or None: a plain statement (every quiz page reads it)."""
        prepared = cls._meta.get_field("public_id").get_db_prep_value(public_id, connection)
        found = sql.fetch_instances(cls, "t.public_id = %s AND t.user_id = %s", [prepared, user_id])
        return found[0] if found else None

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

    def token(self, role: str, choice_id: int) -> str:
        """An opaque per-attempt name for a choice: reveals neither its id nor its answer."""
        return salted_hmac(f"attempt-{self.salt}", f"{role}:{choice_id}", algorithm="sha256").hexdigest()[:16]

    @staticmethod
    def new_deadline(quiz: Quiz, started_at):
        return started_at + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None


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


def answered_question_ids(attempt_id: int) -> set[int]:
    """The questions of an attempt that have an answer (not left blank at closing): one plain statement."""
    rows = sql.fetch(
        "SELECT question_id FROM quizzes_response WHERE attempt_id = %s AND answered = %s",
        [attempt_id, True],
        [None],
    )
    return {question_id for (question_id,) in rows}


def load_response(attempt_id: int, question_id: int) -> "Response | None":
    found = sql.fetch_instances(Response, "t.attempt_id = %s AND t.question_id = %s", [attempt_id, question_id])
    return found[0] if found else None


class ResponseChoice(models.Model):
    """A choice the learner picked in a response (single, multiple, true/false): makes choice
    statistics a database aggregate, and protects picked choices from deletion."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE)
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "choice"], name="quizzes_response_choice_unique")]

    def __str__(self) -> str:
        return f"{self.response_id} → {self.choice_id}"
