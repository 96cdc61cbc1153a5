"""Builders for progress tests: right and wrong answers to any kind of question (read from the
database, as a test may), and a learner's way through modules by the service layer or the views."""

from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from courses.models import LearningPath, Lesson, Module
from progress import services
from progress.states import learner_statuses
from quizzes import attempts
from quizzes.grading import match_options
from quizzes.models import Attempt, Question, QuestionKind, Quiz

# The real curriculum's modules, in path order.
PATH_ORDER = [
    "devops-mindset",
    "cicd-on-aws",
    "infrastructure-as-code",
    "containers-on-aws",
    "observability",
    "best-practices-incidents",
]


def answer_data(question: Question, token, *, right: bool = True) -> dict:
    """The form a learner would post for ``question``: fully right, or scoring nothing.

    ``token(role, choice_id)`` names choices as the page does (an attempt's or a review card's).
    A numeric question with variants is answered as given: pass ``attempt.asked(question)``."""
    choices = list(question.choices.all())
    kind = question.kind
    one_line = kind == QuestionKind.FAULTY_LINE and not question.selects_several
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) or one_line:
        picked = next(c for c in choices if c.is_correct == right)
        return {"answer": token("c", picked.pk)}
    if kind == QuestionKind.MULTIPLE:
        return {"answer": [token("c", c.pk) for c in choices if c.is_correct == right]}
    if kind == QuestionKind.FAULTY_LINE:  # up to select_count lines: all the right ones, or as many wrong ones
        return {"answer": [token("c", c.pk) for c in choices if c.is_correct == right][: question.select_count]}
    if kind == QuestionKind.ORDERING:
        order = sorted(choices, key=lambda c: (c.order, c.pk))
        if not right:
            order = order[1:] + order[:1]  # every item one place off: nothing in place
        return {f"position-{token('o', c.pk)}": str(position) for position, c in enumerate(order, start=1)}
    if kind == QuestionKind.MATCHING:
        options = {option.match_text: option for option in match_options(choices)}
        targets = [options[c.match_text] for c in choices]
        if not right:
            targets = targets[1:] + targets[:1]
        return {f"match-{token('i', c.pk)}": token("m", target.pk) for c, target in zip(choices, targets, strict=True)}
    if kind == QuestionKind.NUMERIC:
        value = question.numeric_answer if right else question.numeric_answer + (question.tolerance or 0) + 1000
        return {"answer": format(value.normalize(), "f")}
    if kind == QuestionKind.SHORT_TEXT:
        return {"answer": next(c.text for c in choices if c.is_correct) if right else "certainly not this"}
    raise AssertionError(f"unknown kind {kind}")


def as_post(data: dict) -> MultiValueDict:
    """A dict of answers as request.POST would carry it (lists for multiple choice)."""
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in data.items()})


def ask_every_question(quiz: Quiz) -> Quiz:
    """Turn the quiz's draws off for this test, so that every attempt asks every published question and
    a score can be aimed at (progress tests are about scores, not about which questions are drawn)."""
    for pool in quiz.drawn_pools():
        pool.draw_count = None
        pool.save()
    return quiz


def total_points(quiz: Quiz) -> int:
    """What an attempt that asks every question is scored over."""
    return int(sum(question.points for question in quiz.questions.published()))


def misses_for_percent(quiz: Quiz, percent: int) -> set[str]:
    """Keys of questions to miss so that the attempt scores the lowest percentage of at least
    ``percent`` (every question asked: see ``ask_every_question``)."""
    total = total_points(quiz)
    kept = -(-total * percent // 100)  # the fewest points that still reach ``percent``
    return misses_worth(quiz, total - kept)


def shown_percent(percent) -> str:
    """A score as the pages show it: a whole percentage, floored (69.6 shows as 69)."""
    return f"{Decimal(percent).quantize(Decimal(1), rounding=ROUND_FLOOR)}%"


def misses_worth(quiz: Quiz, points: int) -> set[str]:
    """Keys of single/true-false questions worth exactly ``points`` together (to aim at a score)."""
    assert not quiz.drawn_pools(), "the quiz draws its questions: call ask_every_question(quiz) first"
    chosen, total = set(), 0
    for question in quiz.questions.published().filter(kind__in=["single", "true_false"]).order_by("order", "id"):
        if total + question.points <= points:
            chosen.add(question.key)
            total += question.points
    assert total == points, f"cannot miss exactly {points} points in {quiz}"
    return chosen


def module_quiz(module: Module) -> Quiz:
    return Quiz.objects.published().module_quizzes().get(module=module)


# --- through the service layer (what the views call) ---------------------------------------------


def finish_lessons(user, module: Module, *, but: int = 0, labs: bool = True) -> None:
    """Complete the module's published lessons (``but`` the last few) and, unless ``labs`` is False,
    pass its published required labs: everything the module asks but its quiz."""
    lessons = list(module.lessons.filter(published=True).order_by("order", "id"))
    for lesson in lessons[: len(lessons) - but]:
        services.complete_lesson(user, lesson)
    if labs:
        pass_labs(user, module)


def pass_labs(user, module: Module) -> None:
    """A passing graded submission of each of the module's published required labs (as a worker records it).
    Stored directly, not through ``Submission.submit``: a test that passes eleven labs in a minute is not
    a learner pressing Check, and the rate limit would refuse it (or not) depending on the machine's speed."""
    from labs.models import Lab, Submission

    for lab in Lab.objects.published().required().filter(module=module):
        result = {"status": "pass", "score": 1, "max_score": 1, "percent": 100, "checks": [], "message": ""}
        Submission.objects.create(user=user, lab=lab, artifact=lab.solution).record(result)


def take_quiz(user, quiz: Quiz, *, wrong=(), skip=()) -> Attempt:
    """Start, answer every question (those keyed in ``wrong`` wrongly, ``skip`` not at all), close."""
    attempt = attempts.start_attempt(user, quiz)
    for question in Question.objects.filter(pk__in=attempt.question_order).prefetch_related("choices"):
        if question.key in skip:
            continue
        data = answer_data(attempt.asked(question), attempt.token, right=question.key not in wrong)
        attempts.submit_answer(attempt, question, as_post(data))
    return attempts.close_attempt(attempt)


def complete_module(user, module: Module, *, wrong=()) -> Attempt:
    finish_lessons(user, module)
    return take_quiz(user, module_quiz(module), wrong=wrong)


def module(path: LearningPath, slug: str) -> Module:
    return path.modules.get(slug=slug)


def states(path: LearningPath, user) -> dict[str, str]:
    return {s.module.slug: s.state for s in learner_statuses(path, user)}


def status(path: LearningPath, user, slug: str):
    return next(s for s in learner_statuses(path, user) if s.module.slug == slug)


def make_cards_due(user, when=None) -> int:
    """Move the learner's review cards to due (as if the ten minutes of a missed answer went by)."""
    from progress.models import ReviewCard

    return ReviewCard.objects.filter(user=user).update(due=(when or timezone.now()) - timedelta(seconds=1))


# --- through the views ---------------------------------------------------------------------------


def complete_lessons_by_views(client, module: Module) -> None:
    for lesson in module.lessons.filter(published=True).order_by("order", "id"):
        url = reverse("progress:complete", args=[module.path.slug, module.slug, lesson.slug])
        response = client.post(url)
        assert response.status_code == 302, (url, response.status_code)


def take_quiz_by_views(client, user, quiz: Quiz, *, wrong=()) -> Attempt:
    """Start the quiz, answer each question on its page, finish: as a learner without JavaScript."""
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302, response.status_code
    attempt = Attempt.objects.open().get(user=user, quiz=quiz)
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_order).prefetch_related("choices")}
    for position, question_id in enumerate(attempt.question_order, start=1):
        question = questions[question_id]
        data = answer_data(attempt.asked(question), attempt.token, right=question.key not in wrong)
        response = client.post(reverse("quizzes:question", args=[attempt.public_id, position]), data)
        assert response.status_code == 302, (question.key, response.status_code)
    client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    attempt.refresh_from_db()
    assert not attempt.is_open
    return attempt


def add_lesson(module: Module, slug: str = "added-lesson", **fields) -> Lesson:
    order = (module.lessons.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return Lesson.objects.create(
        module=module,
        key=slug,
        slug=slug,
        title=fields.pop("title", "A lesson added later"),
        order=order,
        body_md="Something new.",
        published=True,
        **fields,
    )
