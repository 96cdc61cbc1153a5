import random
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
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
        """Which of these lessons the user has completed: a plain statement, read on every lesson page."""
        if not lesson_ids:
            return set()
        statement = (  # only "%s" placeholders are formatted in
            "SELECT lesson_id FROM progress_lessoncompletion "  # noqa: S608
            f"WHERE user_id = %s AND lesson_id IN ({sql.placeholders(lesson_ids)})"
        )
        return {lesson_id for (lesson_id,) in sql.fetch(statement, [user_id, *lesson_ids], [None])}

    @classmethod
    def minutes_by_lesson(cls, user_id: int, path_id: int) -> dict[int, int]:
        """{lesson id: its estimated minutes} for the lessons of a path the user completed."""
        statement = (
            "SELECT c.lesson_id, l.estimated_minutes FROM progress_lessoncompletion c "
            "JOIN courses_lesson l ON l.id = c.lesson_id JOIN courses_module m ON m.id = l.module_id "
            "WHERE c.user_id = %s AND m.path_id = %s"
        )
        return dict(sql.fetch(statement, [user_id, path_id], [None, None]))


class ModuleProgress(models.Model):
    """One learner's standing in one module, kept up to date in the transaction of every event
    (lesson completed or undone, attempt closed or regraded). ``rebuild_progress`` recomputes it
    from the ground truth. The cohort dashboard reads these rows for a thousand learners at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="learner_progress")
    lessons_completed = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(_("closed quiz attempts"), default=0)
    failed_attempts = models.PositiveIntegerField(_("failed quiz attempts"), default=0)
    best_percent = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_percent = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    quiz_passed = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    # Sticky: once completed, a module stays completed for unlocking and the certificate, even when
    # a lesson is added later or a regrade turns a pass into a fail.
    completed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

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


class DailyActivity(models.Model):
    """What a learner did on one day, counted in their own time zone (calendar and streaks)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_days")
    day = models.DateField()
    lessons_completed = models.PositiveIntegerField(default=0)
    questions_answered = models.PositiveIntegerField(default=0)
    attempts_closed = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("activity day")
        verbose_name_plural = _("activity days")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="progress_one_activity_row_per_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.day}"

    @property
    def total(self) -> int:
        return self.lessons_completed + self.questions_answered + self.attempts_closed + self.reviews

    @classmethod
    def add(cls, user_id: int, day, counts: dict[str, int]) -> int:
        """Add ``counts`` to the user's row for ``day``; returns 0 when there is no row yet."""
        fields = [cls._meta.get_field(name) for name in counts]  # FieldDoesNotExist for a typo
        assignments = ", ".join(f"{sql.quote(f.column)} = {sql.quote(f.column)} + %s" for f in fields)
        # The columns come from model fields (get_field above), never from input; values are parameters.
        statement = f"UPDATE progress_dailyactivity SET {assignments} WHERE user_id = %s AND day = %s"  # noqa: S608
        day_value = connection.ops.adapt_datefield_value(day)
        with connection.cursor() as cursor:
            cursor.execute(statement, [*counts.values(), user_id, day_value])
            return cursor.rowcount

    @classmethod
    def rows_of(cls, user_id: int, since) -> tuple[list[tuple], int]:
        """(day, lessons, questions, attempts, reviews) for the user's active days since ``since``, and
        the questions answered over all time: one statement, however long the history."""
        statement = (
            "SELECT 0, day, lessons_completed, questions_answered, attempts_closed, reviews "
            "FROM progress_dailyactivity WHERE user_id = %s AND day >= %s "
            "UNION ALL SELECT 1, NULL, 0, COALESCE(SUM(questions_answered), 0), 0, 0 "
            "FROM progress_dailyactivity WHERE user_id = %s"
        )
        params = [user_id, connection.ops.adapt_datefield_value(since), user_id]
        rows = sql.fetch(statement, params, [None, cls._meta.get_field("day"), None, None, None, None])
        days = [row[1:] for row in rows if row[0] == 0]
        answered = next(row[3] for row in rows if row[0] == 1)
        return days, answered


def review_scheduler() -> Scheduler:
    # Deterministic intervals (no fuzzing); a missed question comes back after ten minutes, then days.
    return Scheduler(
        learning_steps=(timedelta(minutes=10),),
        relearning_steps=(timedelta(minutes=10),),
        enable_fuzzing=False,
    )


class ReviewCardQuerySet(models.QuerySet):
    def due(self, now: datetime | None = None):
        return self.filter(due__lte=now or timezone.now())


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

    @classmethod
    def next_due(cls, user_id: int, now) -> "tuple[ReviewCard | None, int]":
        """The user's card due first (by due time) and how many are due: one plain statement."""
        when = connection.ops.adapt_datetimefield_value(now)
        count = "SELECT COUNT(*) FROM progress_reviewcard c WHERE c.user_id = %s AND c.due <= %s"
        cards = sql.fetch_instances(
            cls,
            "t.user_id = %s AND t.due <= %s ORDER BY t.due, t.id LIMIT 1",
            [user_id, when, user_id, when],
            extra=[("due_count", count, int)],
        )
        return (cards[0], cards[0].due_count) if cards else (None, 0)

    @classmethod
    def lock_for(cls, user_id: int, question_id: int) -> "ReviewCard | None":
        """The user's card for a question, locked for update until the transaction ends."""
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        found = sql.fetch_instances(cls, f"t.user_id = %s AND t.question_id = %s{lock}", [user_id, question_id])
        return found[0] if found else None

    @classmethod
    def load_own(cls, card_id: int, user_id: int) -> "ReviewCard | None":
        if not sql.storable(cls._meta.pk, card_id):
            return None
        found = sql.fetch_instances(cls, "t.id = %s AND t.user_id = %s", [card_id, user_id])
        return found[0] if found else None

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


class Certificate(models.Model):
    """Issued once when every module of a path is completed; anyone with the URL can verify it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="certificates"
    )
    path = models.ForeignKey(LearningPath, on_delete=models.PROTECT, related_name="certificates")
    name = models.CharField(_("name on the certificate"), max_length=150)
    path_title = models.CharField(max_length=200)
    issued_at = models.DateTimeField(default=timezone.now)
    code = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe, editable=False)

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
        found = sql.fetch_instances(cls, "t.user_id = %s AND t.path_id = %s", [user_id, path_id])
        return found[0] if found else None
