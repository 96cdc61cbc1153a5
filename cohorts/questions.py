"""The cohort's "Questions" tab: each question of the path's quizzes with the cohort's statistics, and
the cohort's wrong answers grouped by the misconception they represent, across questions.

Statistics over a large cohort read every member's first attempt at every question: seconds of work
that grows with the cohort. They are computed by a task (``cohorts.tasks.refresh_statistics``) and
stored (``CohortStatistics``); the pages read the stored figures and say when they were computed, and
ask for a new computation when they are older than ``MAX_AGE``."""

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from cohorts.models import Cohort, CohortStatistics
from progress.states import PathPlan
from quizzes.models import Question
from quizzes.statistics import (
    MisconceptionStats,
    QuestionStats,
    misconception_statistics,
    misconceptions_by_question,
    question_statistics,
)

logger = logging.getLogger(__name__)
MAX_AGE = timedelta(minutes=10)
# While a computation runs, the page asks again after POLL_FIRST seconds, then after as long as it has
# waited so far (3, 3, 6, 12, 24 s: doubling), at most POLL_MOST apart; after POLL_GIVE_UP it stops
# asking and says the computation takes longer than usual (no worker may be running).
POLL_FIRST, POLL_MOST = 3, 30
POLL_GIVE_UP = timedelta(minutes=2)


def path_questions(plan: PathPlan):
    """The questions of the path's quizzes shown to learners (module and lesson quizzes)."""
    return Question.objects.shown_to_learners().filter(quiz__module__in=[m.pk for m in plan.modules])


def compute(cohort: Cohort, plan: PathPlan) -> dict:
    """The cohort's statistics, as ``CohortStatistics`` stores them (quizzes.statistics, over the
    members' first finished attempts): a fixed number of queries, time that grows with the answers."""
    ids = list(path_questions(plan).values_list("pk", flat=True))
    members = cohort.memberships.values("user_id")
    module_quizzes = list(path_questions(plan).filter(quiz__lesson__isnull=True).values_list("pk", flat=True))
    return {
        "questions": {str(pk): dataclasses.asdict(item) for pk, item in question_statistics(ids, members).items()},
        "misconceptions": [dataclasses.asdict(item) for item in misconception_statistics(module_quizzes, members)],
        "by_question": {
            str(pk): [dataclasses.asdict(item) for item in items]
            for pk, items in misconceptions_by_question(ids, members).items()
        },
    }


@dataclass
class Snapshot:
    """The stored statistics of a cohort, as the pages read them."""

    computed_at: datetime | None  # None: never computed yet
    pending: bool  # a computation was asked for and has not finished
    requested_at: datetime | None  # when the latest computation was asked for
    questions: dict[int, QuestionStats]
    misconceptions: list[MisconceptionStats]
    by_question: dict[int, list[MisconceptionStats]]

    def of(self, question_id: int) -> QuestionStats:
        return self.questions.get(question_id) or QuestionStats(question_id)

    @property
    def waiting(self) -> bool:
        """Whether figures are missing or a computation is under way (the page says so)."""
        return self.pending or not self.computed_at

    @property
    def overdue(self) -> bool:
        """Waiting for longer than POLL_GIVE_UP: the page stops asking and says it takes longer than usual."""
        return self.waiting and self.requested_at is not None and timezone.now() - self.requested_at > POLL_GIVE_UP

    @property
    def poll_seconds(self) -> int | None:
        """In how many seconds the page asks again (doubling as the wait goes on); None: it does not ask."""
        if not self.waiting or self.overdue:
            return None
        waited = (timezone.now() - self.requested_at).total_seconds() if self.requested_at else 0
        return int(min(max(waited, POLL_FIRST), POLL_MOST))


def _read(cohort: Cohort) -> CohortStatistics | None:
    return CohortStatistics.objects.filter(cohort=cohort).first()


def snapshot(cohort: Cohort) -> Snapshot:
    """The cohort's stored statistics; when they are missing or older than MAX_AGE, a computation is
    enqueued first (once: the request that claims it enqueues; a claim older than MAX_AGE is taken
    again, in case its task was lost)."""
    now = timezone.now()
    stored = _read(cohort)
    if stored is None or stored.computed_at is None or stored.computed_at < now - MAX_AGE:
        if stored is None:
            CohortStatistics.objects.bulk_create([CohortStatistics(cohort=cohort)], ignore_conflicts=True)
        unclaimed = Q(requested_at__isnull=True) | Q(requested_at__lt=now - MAX_AGE)
        if CohortStatistics.objects.filter(unclaimed, cohort=cohort).update(requested_at=now):
            from cohorts.tasks import refresh_statistics

            try:
                refresh_statistics.enqueue(cohort.pk)
            except Exception:  # the queue is unreachable: the page says so; a later view asks again
                logger.exception("could not enqueue the statistics of cohort %s", cohort.pk)
        stored = _read(cohort)  # a task that ran at once (the immediate backend) has stored them
    pending = stored.requested_at is not None and (
        stored.computed_at is None or stored.requested_at > stored.computed_at
    )
    return Snapshot(
        computed_at=stored.computed_at,
        pending=pending,
        requested_at=stored.requested_at,
        questions={int(pk): QuestionStats(**item) for pk, item in stored.questions.items()},
        misconceptions=[MisconceptionStats(**item) for item in stored.misconceptions],
        by_question={int(pk): [MisconceptionStats(**i) for i in items] for pk, items in stored.by_question.items()},
    )


def store(cohort: Cohort, started: datetime) -> None:
    """Compute the cohort's statistics and store them as of ``started`` (the task's body)."""
    plan = PathPlan.of(cohort.path)
    data = compute(cohort, plan)
    CohortStatistics.objects.update_or_create(cohort=cohort, defaults={"computed_at": started, **data})


PAGE_SIZE = 25
MISCONCEPTIONS_PAGE_SIZE = 10
# The sorts of the question list, by ?sort= (a "-" reverses). Facility is the default: the hardest
# questions (the lowest share right) are what a lead reads first.
SORTS = ("facility", "responses", "module")


def clean_sort(sort: str) -> str:
    """``sort`` when it names a sort of the list (with "-" for descending), else "facility"."""
    return sort if sort.lstrip("-") in SORTS else "facility"


def cohort_questions(cohort: Cohort, plan: PathPlan, stats: Snapshot, *, module_id: str = "", sort: str = "facility"):
    """(question, statistics) for each module quiz question the cohort answered, in ``sort``'s order
    (facility: the hardest, lowest facility, first; responses: the fewest first; module: the path's
    order; a "-" reverses; ties by the question's id), of one module when ``module_id`` names one."""
    found = path_questions(plan).filter(quiz__lesson__isnull=True)
    if plan.module(module_id):
        found = found.filter(quiz__module=module_id)
    rows = [(q, stats.of(q.pk)) for q in found.select_related("quiz__module") if stats.of(q.pk).responses]
    key, descending = sort.lstrip("-"), sort.startswith("-")
    order = {m.pk: index for index, m in enumerate(plan.modules)}
    value = {
        "facility": lambda s, q: s.facility if s.facility is not None else 2,
        "responses": lambda s, q: s.responses,
        "module": lambda s, q: order.get(q.quiz.module_id, len(order)),
    }[clean_sort(key)]
    rows.sort(key=lambda item: item[0].pk)
    rows.sort(key=lambda item: value(item[1], item[0]), reverse=descending)
    return rows


def module_misconceptions(stats: Snapshot, rows) -> list[MisconceptionStats]:
    """The cohort's misconceptions (most picked first) picked in the questions of ``rows`` (one
    module's, when the list is filtered); their figures stay the cohort's, across its questions."""
    tags = {item.tag for question, _stats in rows for item in stats.by_question.get(question.pk, [])}
    return [item for item in stats.misconceptions if item.tag in tags]
