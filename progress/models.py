import operator
import random
import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from typing import NamedTuple

from django.conf import settings
from django.db import connection, models
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, OuterRef, Q, Subquery, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from fsrs import Card, Rating, Scheduler, State

from courses.models import LearningPath, Lesson, Module
from devopslearn.lib import sql
from quizzes.models import Question


class LessonCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="progress_one_completion_per_lesson")]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"

    @classmethod
    def completed_ids(cls, user_id: int, lesson_ids: list[int]) -> set[int]:
        """Which of these lessons the user has completed."""
        return set(cls.objects.filter(user_id=user_id, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True))

    @classmethod
    def completed_in_path(cls, user_id: int, path_id: int) -> list[int]:
        """The ids of the lessons of a path the user completed."""
        completed = cls.objects.filter(user_id=user_id, lesson__module__path_id=path_id)
        return sorted(completed.values_list("lesson_id", flat=True))


class ProgressRow(NamedTuple):
    """The fields of a ModuleProgress row that module states need, without building model instances
    (a dashboard page reads hundreds of them; model instances cost ten times as much)."""

    user_id: int
    module_id: int
    lessons_completed: int
    attempts: int
    failed_attempts: int
    best_percent: Decimal | None
    last_percent: Decimal | None
    quiz_passed: bool
    labs_passed: int  # required labs of the module passed
    completed: bool  # completed_at is set: read as a flag, not parsed as a date
    last_activity_at: datetime | None


# ReviewCardQuerySet.shown_to_learners (QuestionQuerySet.shown_to_learners) in plain SQL, for the
# cards "c" of the statement in ModuleProgress.standing: joined by primary keys from the due cards
# (an IN over every shown question cost 0.37 ms more a page on SQLite; these joins cost little).
SHOWN_QUESTION_JOINS = (
    "INNER JOIN quizzes_question q ON q.id = c.question_id INNER JOIN quizzes_quiz z ON z.id = q.quiz_id "
    "INNER JOIN courses_module m ON m.id = z.module_id LEFT OUTER JOIN courses_lesson l ON l.id = z.lesson_id"
)
SHOWN_QUESTION_CONDITIONS = "q.published AND z.published AND m.published AND (z.lesson_id IS NULL OR l.published)"


class Standing(NamedTuple):
    """Learners' progress rows and counts of due review cards, by user id then module id."""

    rows: dict[int, dict[int, ProgressRow]]
    due: dict[int, dict[int, int]]


class ModuleProgressQuerySet(models.QuerySet):
    def refresh_earliest_due(self) -> int:
        """Recompute the kept ``earliest_due`` of these rows from the learners' review cards of the
        module shown to learners (ReviewCardQuerySet.shown_to_learners): one UPDATE."""
        cards = (
            ReviewCard.objects.shown_to_learners()
            .filter(user_id=OuterRef("user_id"), module_id=OuterRef("module_id"))
            .order_by()
            .values("user_id")
            .annotate(first=Min("due"))
            .values("first")
        )
        return self.update(earliest_due=Subquery(cards[:1]))

    def as_rows(self):
        """The rows as ProgressRow tuples (values, not model instances)."""
        completed = ExpressionWrapper(Q(completed_at__isnull=False), output_field=BooleanField())
        names = ProgressRow._fields
        return self.annotate(completed_flag=completed).values_list(
            *names[: names.index("completed")], "completed_flag", *names[names.index("completed") + 1 :]
        )


class ModuleProgress(models.Model):
    """One learner's standing in one module, kept up to date in the transaction of every event
    (lesson completed or undone, attempt closed or regraded, lab passed). ``rebuild_progress`` recomputes it
    from the ground truth. The cohort dashboard reads these rows for a thousand learners at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="learner_progress")
    lessons_completed = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(_("closed quiz attempts"), default=0)
    failed_attempts = models.PositiveIntegerField(_("failed quiz attempts"), default=0)
    best_percent = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_percent = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    quiz_passed = models.BooleanField(default=False)
    labs_passed = models.PositiveIntegerField(_("required labs passed"), default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    # Sticky: once completed, a module stays completed for unlocking and the certificate, even when
    # a lesson is added later or a regrade turns a pass into a fail.
    completed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # Kept: when the learner's first review card of the module shown to learners is due (NULL: none).
    # A module's state depends on the cards due now (progress.states: cards_due is earliest_due <= now),
    # so the time is kept, not the state. Refreshed with every card written (progress.services,
    # progress.derived) and by rebuild_progress; tests/progress/test_kept_due.py checks it.
    earliest_due = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ModuleProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="progress_one_row_per_module")]
        indexes = [models.Index(fields=["module", "user"], name="progress_module_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.module}"

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @classmethod
    def standing(cls, user_ids: list[int], module_ids: list[int], now: datetime) -> Standing:
        """The learners' rows for these modules and their counts of review cards due at ``now``: one
        plain statement, read on every learner page (``standing_by_orm`` is its twin: same result)."""
        users, modules = sql.placeholders(user_ids), sql.placeholders(module_ids)
        statement = (  # only "%s" placeholders are formatted in: every value is a parameter
            "SELECT 0, user_id, module_id, lessons_completed, attempts, failed_attempts, best_percent, "  # noqa: S608
            "last_percent, quiz_passed, labs_passed, CASE WHEN completed_at IS NULL THEN 0 ELSE 1 END, "
            "last_activity_at, 0 "
            f"FROM progress_moduleprogress WHERE user_id IN ({users}) AND module_id IN ({modules}) "
            "UNION ALL "
            "SELECT 1, c.user_id, c.module_id, 0, 0, 0, NULL, NULL, NULL, 0, 0, NULL, COUNT(*) "
            f"FROM progress_reviewcard c {SHOWN_QUESTION_JOINS} "
            f"WHERE c.user_id IN ({users}) AND c.module_id IN ({modules}) AND c.due <= %s "
            f"AND {SHOWN_QUESTION_CONDITIONS} "
            "GROUP BY c.user_id, c.module_id"
        )
        stored = [cls._meta.get_field(name) for name in ProgressRow._fields[: ProgressRow._fields.index("completed")]]
        columns = [None, *stored, bool, cls._meta.get_field("last_activity_at"), None]
        params = [*user_ids, *module_ids, *user_ids, *module_ids, connection.ops.adapt_datetimefield_value(now)]
        standing = Standing({}, {})
        for kind, *values, count in sql.fetch(statement, params, columns):
            if kind == 0:
                row = ProgressRow(*values)
                standing.rows.setdefault(row.user_id, {})[row.module_id] = row
            else:
                standing.due.setdefault(values[0], {})[values[1]] = count
        return standing

    @classmethod
    def standing_by_orm(cls, user_ids: list[int], module_ids: list[int], now: datetime) -> Standing:
        """``standing`` through the ORM: the definition the plain statement must match."""
        standing = Standing({}, {})
        for row in cls.objects.filter(user_id__in=user_ids, module_id__in=module_ids).as_rows():
            row = ProgressRow(*row)
            standing.rows.setdefault(row.user_id, {})[row.module_id] = row
        cards = ReviewCard.objects.filter(user_id__in=user_ids, module_id__in=module_ids).due(now)
        for user_id, module_id, count in cards.counts_by_module():
            standing.due.setdefault(user_id, {})[module_id] = count
        return standing


ACTIVITY_COUNTS = ("lessons_completed", "questions_answered", "attempts_closed", "reviews", "practice_answers")


class DailyActivityQuerySet(models.QuerySet):
    def active(self):
        """The days on which the learner did something (an action of ACTIVITY_COUNTS): the one
        definition of activity, shared by the calendar and streak, the lead's "last activity" and
        "inactive for a week"."""
        return self.filter(reduce(operator.or_, (Q(**{f"{name}__gt": 0}) for name in ACTIVITY_COUNTS)))


def last_active_day(user_ref: str = "user_id") -> Subquery:
    """The learner's last active day (a date in their time zone, or NULL), for the learner in the
    outer query's ``user_ref`` column."""
    days = DailyActivity.objects.active().filter(user_id=OuterRef(user_ref)).order_by("-day")
    return Subquery(days.values("day")[:1])


class DailyActivity(models.Model):
    """What a learner did on one day, counted in their own time zone (calendar and streaks)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_days")
    day = models.DateField()
    lessons_completed = models.PositiveIntegerField(default=0)
    questions_answered = models.PositiveIntegerField(default=0)
    attempts_closed = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    practice_answers = models.PositiveIntegerField(default=0)  # PracticeAnswer: activity, never a score

    objects = DailyActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity day")
        verbose_name_plural = _("activity days")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="progress_one_activity_row_per_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.day}"

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in ACTIVITY_COUNTS)

    @classmethod
    def add(cls, user_id: int, day: date, counts: dict[str, int]) -> None:
        """Add ``counts`` ({field name: n}) to the user's row for ``day``, creating the row first when
        it is the day's first activity (safely, when two requests do it at once)."""
        increments = {name: F(name) + n for name, n in counts.items()}
        rows = cls.objects.filter(user_id=user_id, day=day)
        if rows.update(**increments):
            return
        cls.objects.bulk_create([cls(user_id=user_id, day=day)], ignore_conflicts=True)
        rows.update(**increments)

    @classmethod
    def history(cls, user_id: int, since: date, today: date) -> tuple[dict[date, int], int]:
        """({day: actions} for the user's active days from ``since`` to ``today``, how many days the
        user was active over all time). A day is active when it has an action (``total``, as
        ``active()`` says in SQL).

        Days are stored as the learner lived them, in the time zone they had then; after a move to a
        zone behind it (Auckland to London), a stored day can be later than ``today``: it counts as
        today, so that a change of time zone never takes an activity off the calendar or breaks a streak."""
        rows = cls.objects.filter(user_id=user_id, day__gte=since).values_list("day", *ACTIVITY_COUNTS)
        totals: dict[date, int] = {}
        for day, *counts in rows:
            if total := sum(counts):
                shown = min(day, today)
                totals[shown] = totals.get(shown, 0) + total
        return totals, cls.objects.filter(user_id=user_id).active().count()


def review_scheduler() -> Scheduler:
    # Deterministic intervals (no fuzzing); a missed question comes back after ten minutes, then days.
    return Scheduler(
        learning_steps=(timedelta(minutes=10),),
        relearning_steps=(timedelta(minutes=10),),
        enable_fuzzing=False,
    )


class ReviewCardQuerySet(models.QuerySet):
    def shown_to_learners(self):
        """The cards of questions a learner can meet now (QuestionQuerySet.shown_to_learners: a
        published question of a published quiz in a published module). A card of withdrawn content
        stays stored, schedule and all, and comes back with its content. Every review queue and due
        count reads cards through this (``due`` calls it)."""
        return self.filter(question__in=Question.objects.shown_to_learners())

    def due(self, now: datetime | None = None):
        """The cards due for review at ``now``, of content shown to learners: the one definition of
        "due" (every due count uses it, and ModuleProgress.standing's statement is tested against it)."""
        return self.shown_to_learners().filter(due__lte=now or timezone.now())

    def counts_by_module(self):
        """(user id, module id, cards) for these cards."""
        return self.values_list("user_id", "module_id").annotate(n=Count("id")).order_by()


class ReviewCard(models.Model):
    """A question the learner missed, scheduled for review with FSRS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    state = models.PositiveSmallIntegerField(default=State.Learning.value)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(default=timezone.now)
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # An answer given on the review page, graded, waiting for the learner to confirm the rating.
    pending_answer = models.JSONField(null=True, blank=True)
    pending_fraction = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="progress_one_card_per_question")]
        indexes = [
            models.Index(fields=["user", "due"], name="progress_card_user_due_idx"),
            # Due cards per learner and module (path, progress and dashboard pages): SQLite otherwise
            # walks every card of the modules.
            models.Index(fields=["user", "module", "due"], name="progress_card_user_module_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question.key}"

    def as_fsrs(self) -> Card:
        return Card(
            card_id=self.pk or 1,  # without an id, fsrs sleeps a millisecond to make one up
            state=State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    def schedule(self, rating: Rating, when: datetime | None = None) -> None:
        """Apply one review to the card (does not save)."""
        moment = (when or timezone.now()).astimezone(UTC)  # fsrs accepts UTC datetimes only
        card, _log = review_scheduler().review_card(self.as_fsrs(), rating, moment)
        if rating == Rating.Again and self.reviews:
            self.lapses += 1
        self.state, self.step = card.state.value, card.step
        self.stability, self.difficulty = card.stability, card.difficulty
        self.due, self.last_review = card.due, card.last_review
        self.reviews += 1

    def due_after(self, rating: Rating, when: datetime | None = None) -> datetime:
        """When the card would come back if rated ``rating`` now (nothing changes)."""
        moment = (when or timezone.now()).astimezone(UTC)
        return review_scheduler().review_card(self.as_fsrs(), rating, moment)[0].due

    def easy_due(self, when: datetime | None = None) -> datetime | None:
        """When the card would come back if a right answer were rated Easy now, or None when Easy
        would bring it back no later than Good (FSRS gives a card just relearned after a miss one
        day either way): "That was easy" is offered, and taken, only when it changes the schedule."""
        easy = self.due_after(Rating.Easy, when)
        return easy if easy > self.due_after(Rating.Good, when) else None

    @classmethod
    def next_due(cls, user_id: int, now: datetime) -> "tuple[ReviewCard | None, int]":
        """The user's card due first (by due time) and how many are due: one query (the count is a
        window over the due cards, taken before the first is picked)."""
        due = cls.objects.filter(user_id=user_id).due(now).annotate(due_count=Window(Count("id")))
        card = due.order_by("due", "id").first()
        return (card, card.due_count) if card is not None else (None, 0)

    @classmethod
    def lock_for(cls, user_id: int, question_id: int) -> "ReviewCard | None":
        """The user's card for a question, locked for update until the transaction ends."""
        try:
            return cls.objects.select_for_update().get(user_id=user_id, question_id=question_id)
        except cls.DoesNotExist:
            return None

    @classmethod
    def load_own(cls, card_id: int, user_id: int) -> "ReviewCard | None":
        """The user's card, while its question is shown to learners (a withdrawn one is not found)."""
        try:
            return cls.objects.shown_to_learners().get(pk=card_id, user_id=user_id)
        except cls.DoesNotExist:
            return None

    @property
    def is_due(self) -> bool:
        return self.due <= timezone.now()

    # The review page shows the question with per-card tokens, like an attempt does.
    def token(self, role: str, choice_id: int) -> str:
        key = f"review-{self.pk}-{self.reviews}"  # new names each time the card is shown again
        return salted_hmac(key, f"{role}:{choice_id}", algorithm="sha256").hexdigest()[:16]

    @property
    def choice_order(self) -> dict:
        ids = [c.pk for c in self.question.choices.all()]
        if self.question.kind in ("ordering", "matching") and len(ids) > 1:
            shuffled = list(ids)
            rng = random.Random(f"{self.pk}-{self.reviews}")  # noqa: S311 - display order, not security
            while shuffled == ids:
                rng.shuffle(shuffled)
            ids = shuffled
        return {str(self.question_id): ids}


class PracticeAnswer(models.Model):
    """An answer given while practising missed questions outside the review schedule (right after a
    quiz, or before the next card is due). It changes no review card, no attempt, no score and no
    question statistic (those read quiz responses only); it counts as activity for the streak."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    answer = models.JSONField(default=dict)
    fraction = models.DecimalField(max_digits=9, decimal_places=6, default=Decimal(0))
    answered_at = models.DateTimeField(default=timezone.now)
    # The random key of the form it was posted from: the same form posted twice (a double click, a
    # browser's resend) stores one answer and counts one activity.
    form_key = models.CharField(max_length=32, editable=False)

    class Meta:
        verbose_name = _("practice answer")
        verbose_name_plural = _("practice answers")
        indexes = [models.Index(fields=["user", "question"], name="progress_practice_user_q_idx")]
        constraints = [models.UniqueConstraint(fields=["user", "form_key"], name="progress_practice_one_per_form")]

    def __str__(self) -> str:
        return f"{self.user} · {self.question_id}"

    @classmethod
    def load_own(cls, answer_id, user_id: int, question_id: int) -> "PracticeAnswer | None":
        """The user's own practice answer to this question, or None (anybody else's is not found)."""
        try:
            return cls.objects.get(pk=int(answer_id), user_id=user_id, question_id=question_id)
        except (cls.DoesNotExist, TypeError, ValueError):
            return None


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        """Certificates that still certify: not revoked."""
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """Issued once when every module of a path is completed; once its learner shares it, anyone with
    the URL can verify it (the code is 256 random bits: the URL cannot be guessed).

    It keeps its code and its date of issue for ever. It can be re-issued (with the learner's current
    name, at the learner's request or by staff) and revoked by staff with a reason; each such change
    is logged (``CertificateChange``) and the public page says when it was last issued, or that it
    was revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="certificates"
    )
    path = models.ForeignKey(LearningPath, on_delete=models.PROTECT, related_name="certificates")
    name = models.CharField(_("name on the certificate"), max_length=150)
    path_title = models.CharField(max_length=200)
    issued_at = models.DateTimeField(default=timezone.now)
    last_issued_at = models.DateTimeField(_("last issued"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    code = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe, editable=False)
    shared = models.BooleanField(
        _("shared"),
        default=False,
        help_text=_(
            "The learner chose to share it: anyone with its address sees the name, the path and the date. "
            "Otherwise only the learner sees its page."
        ),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path"], condition=Q(user__isnull=False), name="progress_one_certificate_per_path"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.path_title}"

    def get_absolute_url(self) -> str:
        return reverse("progress:certificate", args=[self.code])

    @classmethod
    def of(cls, user_id: int, path_id: int) -> "Certificate | None":
        try:
            return cls.objects.get(user_id=user_id, path_id=path_id)
        except cls.DoesNotExist:
            return None

    @classmethod
    def load_own(cls, code: str, user_id: int) -> "Certificate | None":
        try:
            return cls.objects.get(code=code, user_id=user_id)
        except cls.DoesNotExist:
            return None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def visible_to(self, user) -> bool:
        """Its page shows to its learner always, to anybody else only while the learner shares it."""
        return self.shared or (user.is_authenticated and user.pk == self.user_id)

    def completed_modules(self) -> list[Module]:
        """The path's published modules its learner completed (ModuleProgress.completed_at, the one
        rule of completion), in the path's order: what the certificate lists. None once the learner is gone."""
        if self.user_id is None:
            return []
        return list(
            Module.objects.published()
            .filter(
                path_id=self.path_id,
                learner_progress__user_id=self.user_id,
                learner_progress__completed_at__isnull=False,
            )
            .order_by("order", "pk")
        )

    def name_is_out_of_date(self, user) -> bool:
        """The learner's shown name differs from the certificate's: they may ask for a re-issue."""
        return not self.is_revoked and self.user_id == user.pk and self.name != user.shown_name[:150]


class CertificateChange(models.Model):
    """One re-issue or revocation of a certificate: the log that makes a certificate correctable."""

    class Kind(models.TextChoices):
        REISSUED = "reissued", _("re-issued")
        REVOKED = "revoked", _("revoked")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
    name_before = models.CharField(_("name before"), max_length=150)
    name_after = models.CharField(_("name after"), max_length=150)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("The learner who asked, or the staff member who acted."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate change")
        verbose_name_plural = _("certificate changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d}"
