"""What a content change invalidates, decided in one place, and bringing it up to date.

Derived from the content are: grades (each response's points and verdict, each attempt's score and
pass), review cards (a question a learner missed), module progress (completion, percentages, the
dashboards and exports that read it), certificates, and question statistics (aggregates of the
responses, so they follow the grades). Every content write of any app is recorded by
``courses.changes`` and announced with ``content_changed``, once per batch (an admin save, a
``load_content`` run, an authoring import) and in its transaction; ``follow`` below reacts:

- a change to what grading reads (``GRADED_FROM``) regrades every stored answer to the question at
  once: a learner never reads a verdict that contradicts the key shown beside it. A new pass mark
  re-decides every attempt's pass. The staff member who saved reads the counts in the admin.
- after any regrade (this one, or the admin's Regrade page), review cards follow the verdicts: a
  learner whose answers are now all right loses the question's card, one who now has a wrong answer
  gets one (``follow_regraded_answers``).
- a change to what completing a module takes (``MODULE_SHAPE``: a lesson, the module quiz or a lab
  added, removed, moved, published, unpublished, or a lab made required) recomputes the module's
  progress for every learner of it (completion stays sticky: nothing earned is taken back), then
  issues the certificates it completes.
- a module published, unpublished or moved (``PATH_SHAPE``) changes which modules a path's
  certificate needs: the certificates it completes are issued.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Min
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import ngettext

from courses.changes import CREATED, DELETED, Change, Report, content_changed
from courses.models import LearningPath, Lesson, Module
from devopslearn.lib import translated
from labs.models import Lab
from progress import rebuild, services
from progress.models import ModuleProgress, ReviewCard
from progress.signals import progress_changed
from quizzes.attempts import regrade
from quizzes.models import Choice, Question, QuestionKind, Quiz, Response
from quizzes.signals import answers_regraded

# The fields grading reads: a change to any of them regrades the question's stored answers.
GRADED_FROM: dict[type, frozenset[str]] = {
    Question: frozenset(
        {
            "kind",
            "points",
            "numeric_answer",
            "tolerance",
            "variants",
            "select_count",
            "artifact",
            "quiz_id",
            "accepted_answers",
        }
    ),
    Choice: frozenset({"is_correct", "order", "match_text", "text", "question_id"}),
}
# A choice's text in each language is an accepted answer of a short-text question (quizzes.grading.
# short_text_match), and grades nothing else: a change to it regrades short-text questions only (a first
# load of the translations changes every choice's Vietnamese text).
GRADED_FROM_IF_SHORT_TEXT: dict[type, frozenset[str]] = {
    Choice: frozenset(translated.localized("text", language) for language in translated.languages())
}
# The fields that decide an attempt's pass: a change re-decides every attempt at the quiz.
PASSED_FROM: dict[type, frozenset[str]] = {Quiz: frozenset({"pass_mark"})}
# The fields that say what completing a module takes (progress.states.is_complete).
MODULE_SHAPE: dict[type, frozenset[str]] = {
    Lesson: frozenset({"published", "module_id"}),
    Quiz: frozenset({"published", "module_id", "lesson_id"}),
    Lab: frozenset({"published", "required", "module_id"}),
}
# The fields that say which modules a path's certificate needs.
PATH_SHAPE: dict[type, frozenset[str]] = {Module: frozenset({"published", "path_id"})}
# The fields that say whether a question's review cards are shown (ReviewCardQuerySet.shown_to_learners),
# beside those of MODULE_SHAPE: a change refreshes the kept earliest due time of the module's rows.
CARDS_SHOWN: dict[type, frozenset[str]] = {
    Question: frozenset({"published", "quiz_id"}),
    Module: frozenset({"published"}),
}


@dataclass
class Invalidated:
    """What a batch of content changes invalidates, by id."""

    questions: set = field(default_factory=set)  # regrade their answers
    short_text_questions: set = field(default_factory=set)  # regrade their answers if they are short-text ones
    quizzes: set = field(default_factory=set)  # re-decide every attempt's pass
    modules: set = field(default_factory=set)  # recompute every learner's progress
    paths: set = field(default_factory=set)  # issue the certificates now earned
    card_quizzes: set = field(default_factory=set)  # their modules' kept due times
    card_modules: set = field(default_factory=set)  # their kept due times

    def __bool__(self) -> bool:
        return bool(
            self.questions
            or self.short_text_questions
            or self.quizzes
            or self.modules
            or self.paths
            or self.card_quizzes
            or self.card_modules
        )


def _places(change: Change, name: str) -> set:
    """Where the row was and is: the values of ``name`` before and after the change (not None)."""
    return {value for value in (change.value(name, old=True), change.value(name)) if value is not None}


def invalidated(changes: Iterable[Change]) -> Invalidated:
    """The one rule: what these content changes invalidate (nothing is read from the database)."""
    found = Invalidated()
    for change in changes:
        rows_existed = change.kind not in (CREATED,)  # a row just created has nothing derived from it yet
        if change.model in GRADED_FROM and change.touches(GRADED_FROM[change.model]):
            if change.model is Question:
                if rows_existed and change.kind != DELETED:
                    found.questions.add(change.pk)
            else:  # a choice added, changed or removed regrades its question
                found.questions |= _places(change, "question_id")
        elif change.model in GRADED_FROM_IF_SHORT_TEXT and change.touches(GRADED_FROM_IF_SHORT_TEXT[change.model]):
            found.short_text_questions |= _places(change, "question_id")
        if change.model in PASSED_FROM and change.touches(PASSED_FROM[change.model]) and rows_existed:
            found.quizzes.add(change.pk)
        if change.model in MODULE_SHAPE and change.touches(MODULE_SHAPE[change.model]):
            found.modules |= _places(change, "module_id")
        if change.model in PATH_SHAPE and change.touches(PATH_SHAPE[change.model]):
            found.paths |= _places(change, "path_id")
        if change.model in CARDS_SHOWN and change.touches(CARDS_SHOWN[change.model]):
            if change.model is Question:
                found.card_quizzes |= _places(change, "quiz_id")
            else:
                found.card_modules.add(change.pk)
    return found


@receiver(content_changed)
def on_content_changed(sender, changes: list[Change], report: Report, **kwargs):
    follow(invalidated(changes), report)


def follow(stale: Invalidated, report: Report) -> Report:
    """Bring everything ``stale`` names up to date, in the caller's transaction; say what changed."""
    if not stale:
        return report
    question_ids = set(Question.objects.filter(pk__in=stale.questions).values_list("pk", flat=True))
    short_text = Question.objects.filter(pk__in=stale.short_text_questions, kind=QuestionKind.SHORT_TEXT)
    question_ids |= set(short_text.values_list("pk", flat=True))
    question_ids |= set(Question.objects.filter(quiz_id__in=stale.quizzes).values_list("pk", flat=True))
    if question_ids:
        _regrade(question_ids, report)
    modules = list(Module.objects.filter(pk__in=stale.modules).select_related("path"))
    if modules:
        _refresh_modules(modules, report)
    shown = stale.card_modules | set(Quiz.objects.filter(pk__in=stale.card_quizzes).values_list("module_id", flat=True))
    if shown - stale.modules:  # rebuild refreshed the modules above
        ModuleProgress.objects.filter(module_id__in=shown - stale.modules).refresh_earliest_due()
    if stale.paths - {module.path_id for module in modules}:
        # A path gained or lost a module: what its learners have done of it changed (rebuild announced
        # the paths of the modules above).
        progress_changed.send(
            sender=Module, user_ids=None, path_ids=stale.paths - {module.path_id for module in modules}
        )
    path_ids = stale.paths | {module.path_id for module in modules}
    for path in LearningPath.objects.filter(pk__in=path_ids):
        learners = ModuleProgress.objects.filter(module__path=path, completed_at__isnull=False)
        issued = services.issue_certificates(path, set(learners.values_list("user_id", flat=True)))
        if issued:
            report.add(
                ngettext(
                    "%(n)d learner completed “%(path)s” with this change and received the certificate.",
                    "%(n)d learners completed “%(path)s” with this change and received the certificate.",
                    issued,
                )
                % {"n": issued, "path": path.title},
                certificates=issued,
            )
    return report


def _regrade(question_ids: set, report: Report) -> None:
    changes = regrade(list(Question.objects.filter(pk__in=question_ids).only("pk")), apply=True)
    report.counts.setdefault("answers_regraded", 0)
    if not changes.answers and not changes:
        return
    report.add(
        ngettext(
            "Regraded at once with the new key: %(answers)d answer changed",
            "Regraded at once with the new key: %(answers)d answers changed",
            changes.answers,
        )
        % {"answers": changes.answers}
        + "; "
        + ngettext(
            "%(n)d attempt's score changed (%(passing)d now passes, %(failing)d no longer passes).",
            "%(n)d attempts' scores changed (%(passing)d now pass, %(failing)d no longer pass).",
            len(changes),
        )
        % {"n": len(changes), "passing": changes.now_passing, "failing": changes.now_failing},
        answers_regraded=changes.answers,
        attempts_regraded=len(changes),
    )


def _refresh_modules(modules: list[Module], report: Report) -> None:
    counts = rebuild.rebuild(None, modules)
    changed = counts["created"] + counts["updated"]
    if changed:
        report.add(
            ngettext(
                "Module progress brought up to date for %(n)d learner.",
                "Module progress brought up to date for %(n)d learners.",
                changed,
            )
            % {"n": changed},
            progress_rows=changed,
        )


@receiver(answers_regraded)
def follow_regraded_answers(sender, responses: list[Response], **kwargs):
    """Review cards follow a regrade: a learner keeps (or gets) a question's card while one of their
    answers to it is missed (below full marks, or left unanswered), as answering and closing an
    attempt do (services.record_answer_for_review, receivers.on_attempt_closed)."""
    pairs = {(r.attempt.user_id, r.question_id) for r in responses if r.attempt.user_id is not None}
    if not pairs:
        return
    users, questions = {u for u, _ in pairs}, {q for _, q in pairs}
    missed = {
        (user_id, question_id): fraction
        for user_id, question_id, fraction in Response.objects.missed()
        .filter(attempt__user_id__in=users, question_id__in=questions)
        .values_list("attempt__user_id", "question_id")
        .annotate(lowest=Min("fraction"))
        .order_by()
    }
    cards = {
        (user_id, question_id): pk
        for pk, user_id, question_id in ReviewCard.objects.filter(
            user_id__in=users, question_id__in=questions
        ).values_list("pk", "user_id", "question_id")
    }
    modules = dict(Question.objects.filter(pk__in=questions).values_list("pk", "quiz__module_id"))
    now = timezone.now()
    gone = [cards[pair] for pair in pairs if pair in cards and pair not in missed]
    ReviewCard.objects.filter(pk__in=gone).delete()
    for pair in sorted(pairs):
        if pair in missed and pair not in cards:
            card = ReviewCard(user_id=pair[0], question_id=pair[1], module_id=modules[pair[1]], due=now)
            card.schedule(services.rating_for(missed[pair]), now)
            card.save()
    ModuleProgress.objects.filter(user_id__in=users, module_id__in=set(modules.values())).refresh_earliest_due()
