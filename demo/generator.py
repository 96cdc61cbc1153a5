"""Synthetic learners whose progress spreads realistically over a path: ``seed_demo`` and
``seed_load`` (demo.seeds) share this one generator. It writes the ground truth (completions,
attempts, responses, reviews, activity) in bulk and then derives the progress rows with the same
code as ``rebuild_progress``."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from fsrs import Rating

from cohorts.models import Cohort
from courses.models import LearningPath, Lesson
from labs import results as lab_results
from labs.models import Lab, Submission, SubmissionState
from progress.models import Certificate, DailyActivity, LessonCompletion, ModuleProgress, ReviewCard
from progress.rebuild import rebuild
from progress.states import path_modules
from quizzes.grading import grade
from quizzes.models import SIX_PLACES, Attempt, Question, QuestionKind, Quiz, Response, ResponseChoice

User = get_user_model()
FIRST_NAMES = [
    "An",
    "Bao",
    "Chi",
    "Dung",
    "Giang",
    "Ha",
    "Hieu",
    "Hoa",
    "Huong",
    "Khanh",
    "Lan",
    "Linh",
    "Mai",
    "Minh",
    "Nam",
    "Ngoc",
    "Phuc",
    "Quan",
    "Son",
    "Thao",
    "Trang",
    "Tuan",
    "Vy",
    "Yen",
]
LAST_NAMES = ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Vo", "Dang", "Bui", "Do", "Ho", "Ngo", "Duong", "Ly"]


@dataclass
class Profile:
    """Where a synthetic learner stands: modules completed in path order, then partial work."""

    modules_done: int
    lessons_next: int = 0  # lessons completed in the next module
    failed_next: int = 0  # failed attempts at the next module's quiz
    inactive_days: int = 0  # days since the last activity
    skill: float = 0.8  # chance of answering a question right
    retake_failures: float = 0.3  # chance of failing a quiz once before passing it


def demo_profiles() -> list[Profile]:
    """24 learners: some finished, some stuck on the IaC quiz, some gone quiet for two weeks."""
    return [
        Profile(6, skill=0.95, inactive_days=1),
        Profile(6, skill=0.9, inactive_days=2),
        Profile(6, skill=0.85, inactive_days=4),
        Profile(6, skill=0.78, inactive_days=3),
        # stuck on the IaC quiz (module 3): lessons done, quiz failed again and again
        Profile(2, 5, 2, 1, 0.5),
        Profile(2, 5, 3, 2, 0.45),
        Profile(2, 5, 2, 5, 0.5),
        Profile(2, 4, 2, 3, 0.5),
        # inactive for two weeks or more
        Profile(1, 2, inactive_days=15, skill=0.7),
        Profile(2, 1, inactive_days=17, skill=0.7),
        Profile(0, 3, inactive_days=14, skill=0.6),
        Profile(1, 0, inactive_days=20, skill=0.75),
        # joined, never started
        Profile(0, 0, inactive_days=-1),
        Profile(0, 0, inactive_days=-1),
        # moving along
        Profile(0, 2, inactive_days=0, skill=0.7),
        Profile(1, 3, inactive_days=1, skill=0.8),
        Profile(1, 5, inactive_days=0, skill=0.85),
        Profile(2, 1, inactive_days=2, skill=0.8),
        Profile(3, 2, inactive_days=1, skill=0.75),
        Profile(3, 4, inactive_days=0, skill=0.85),
        Profile(4, 1, inactive_days=3, skill=0.8),
        Profile(4, 5, 1, 1, 0.7),
        Profile(5, 3, inactive_days=2, skill=0.9),
        Profile(5, 5, inactive_days=0, skill=0.88),
    ]


def load_profiles(count: int, rng: random.Random) -> list[Profile]:
    profiles = []
    for _ in range(count):
        roll = rng.random()
        skill = round(rng.uniform(0.55, 0.97), 2)
        if roll < 0.55:
            profiles.append(Profile(6, inactive_days=rng.randint(0, 20), skill=skill, retake_failures=0.7))
        elif roll < 0.77:
            profiles.append(Profile(rng.randint(3, 5), rng.randint(0, 5), 0, rng.randint(0, 6), skill, 0.6))
        elif roll < 0.89:
            profiles.append(Profile(rng.randint(1, 4), 5, rng.randint(2, 4), rng.randint(0, 10), 0.45, 0.5))
        elif roll < 0.97:
            profiles.append(Profile(rng.randint(0, 3), rng.randint(0, 4), 0, rng.randint(8, 30), skill, 0.4))
        else:
            profiles.append(Profile(0, 0, inactive_days=-1))
    return profiles


# --- the generator -------------------------------------------------------------------------------


def _answer(question: Question, choices: list, right: bool, rng: random.Random) -> dict:
    ordered = sorted(choices, key=lambda c: (c.order, c.pk))
    kind = question.kind
    if question.selects_several:  # multiple choice, or a faulty-line question with several lines to find
        correct = [c.pk for c in ordered if c.is_correct]
        if right:
            return {"choices": correct}
        wrong = [c.pk for c in ordered if not c.is_correct]
        picked = correct[1:] + wrong[:1] if wrong else correct[:-1] or correct
        return {"choices": picked}
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.FAULTY_LINE):
        pool = [c for c in ordered if c.is_correct == right] or ordered
        return {"choices": [rng.choice(pool).pk]}
    if kind == QuestionKind.ORDERING:
        ids = [c.pk for c in ordered]
        if not right:
            i = rng.randrange(len(ids) - 1)
            ids[i], ids[i + 1] = ids[i + 1], ids[i]
        return {"order": ids}
    if kind == QuestionKind.MATCHING:
        pairs = {str(c.pk): c.pk for c in ordered}
        if not right and len(ordered) > 1:
            a, b = rng.sample(ordered, 2)
            pairs[str(a.pk)], pairs[str(b.pk)] = b.pk, a.pk
        return {"pairs": pairs}
    if kind == QuestionKind.NUMERIC:
        value = question.numeric_answer or Decimal(0)
        return {"number": str(value if right else value + (question.tolerance or 0) + 7)}
    accepted = [c.text for c in ordered if c.is_correct]
    wrong = [c.text for c in ordered if not c.is_correct]
    return {"text": accepted[0] if right and accepted else (rng.choice(wrong) if wrong else "not sure")}


@dataclass
class _Plan:
    """Everything one run of the generator writes, gathered before the bulk inserts."""

    completions: list
    attempts: list  # (Attempt, [(question, answer, grade result, when)])
    activity: dict
    last_answers: dict  # (user_id, question_id) -> (fraction, when)
    submissions: list = field(default_factory=list)  # passing lab submissions


def _timeline(start: datetime, end: datetime, steps: int, rng: random.Random) -> list[datetime]:
    if steps <= 0:
        return []
    span = max((end - start).total_seconds(), 3600)
    moments = sorted(rng.uniform(0, span) for _ in range(steps))
    return [start + timedelta(seconds=s) for s in moments]


@dataclass
class PathContent:
    """The path's published lessons, module quiz questions and required labs, read once per run."""

    modules: list
    lessons: dict[int, list[Lesson]]  # module id -> lessons in order
    quizzes: dict[int, Quiz]  # module id -> its quiz
    questions: dict[int, list[tuple[Question, list]]]  # quiz id -> (question, choices) in order
    labs: dict[int, list[tuple[Lab, int]]] = field(default_factory=dict)  # module id -> (lab, points)

    @classmethod
    def read(cls, path: LearningPath) -> "PathContent":
        modules = path_modules(path)
        lessons = defaultdict(list)
        for lesson in Lesson.objects.filter(module__in=[m.pk for m in modules], published=True).order_by("order", "id"):
            lessons[lesson.module_id].append(lesson)
        quizzes, questions = {}, defaultdict(list)
        for question in (
            Question.objects.filter(quiz_id__in=[m.quiz_id for m in modules if m.quiz_id], published=True)
            .select_related("quiz")
            .prefetch_related("choices")
            .order_by("order", "id")
        ):
            quizzes[question.quiz.module_id] = question.quiz
            questions[question.quiz_id].append((question, list(question.choices.all())))
        labs = defaultdict(list)
        required = Lab.objects.published().required().filter(module__in=[m.pk for m in modules])
        for lab in required.prefetch_related("checks").order_by("order", "id"):
            labs[lab.module_id].append((lab, sum(check.points for check in lab.checks.all())))
        return cls(modules, lessons, quizzes, questions, labs)


def _steps(profile: Profile, content: PathContent, rng: random.Random) -> list[tuple]:
    """What the learner did, in order: ("lesson", lesson), ("lab", lab, points) passed, or ("quiz",
    quiz, passed). A completed module's required labs are passed between its lessons and its quiz."""
    steps = []
    for index, module in enumerate(content.modules):
        quiz = content.quizzes.get(module.pk)
        if index < profile.modules_done:
            steps += [("lesson", lesson) for lesson in content.lessons[module.pk]]
            steps += [("lab", lab, points) for lab, points in content.labs.get(module.pk, [])]
            if quiz is not None:
                if rng.random() < profile.retake_failures:
                    steps.append(("quiz", quiz, False))
                steps.append(("quiz", quiz, True))
        elif index == profile.modules_done:
            steps += [("lesson", lesson) for lesson in content.lessons[module.pk][: profile.lessons_next]]
            if quiz is not None:
                steps += [("quiz", quiz, False)] * profile.failed_next
            break
    return steps


def _answers(items: list, quiz: Quiz, passed: bool, skill: float, rng: random.Random) -> tuple[list, Decimal]:
    """[(question, answer, grade)] for one attempt that passes or fails as asked, and its maximum."""
    rights = [rng.random() < skill for _ in items]
    answers = []
    for (question, choices), right in zip(items, rights, strict=True):
        answer = _answer(question, choices, right, rng)
        answers.append((question, answer, grade(question, choices, answer)))
    total = sum((q.points for q, _a, _g in answers), Decimal(0))
    order = list(range(len(answers)))
    rng.shuffle(order)
    for i in order:  # nudge the attempt to the outcome its profile needs
        reached = bool(total) and _score(answers) * 100 / total >= quiz.pass_mark
        if reached == passed:
            break
        question, choices = items[i]
        answer = _answer(question, choices, passed, rng)
        answers[i] = (question, answer, grade(question, choices, answer))
    return answers, total


def _score(answers: list) -> Decimal:
    return sum(((q.points * g.fraction).quantize(SIX_PLACES) for q, _a, g in answers), Decimal(0))


def generate_learners(
    cohort: Cohort, users: list, profiles: list[Profile], *, today, seed: int, content: "PathContent | None" = None
) -> dict[str, int]:
    """Write realistic history for ``users`` (members of ``cohort``) following their profiles.

    Everything for these users is held in memory until it is written: a large cohort is generated a
    batch of users at a time (``demo.seeds.seed_load``), passing the ``content`` read once."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    content = content or PathContent.read(cohort.path)
    plan = _Plan([], [], defaultdict(lambda: defaultdict(int)), {})
    zone = timezone.get_current_timezone()
    cohort_start = timezone.make_aware(datetime.combine(cohort.start_date, time(9)), zone)
    now = timezone.now()
    for user, profile in zip(users, profiles, strict=True):
        if profile.inactive_days < 0:
            continue
        end = min(now - timedelta(days=profile.inactive_days, hours=rng.uniform(1, 6)), now - timedelta(minutes=5))
        begin = min(cohort_start + timedelta(days=rng.uniform(0, 3)), end - timedelta(hours=2))
        steps = _steps(profile, content, rng)
        numbers = defaultdict(int)
        for step, when in zip(steps, _timeline(begin, end, len(steps), rng), strict=True):
            day = timezone.localtime(when, user.zone).date()
            if step[0] == "lesson":
                plan.completions.append(LessonCompletion(user=user, lesson=step[1], completed_at=when))
                plan.activity[(user.pk, day)]["lessons_completed"] += 1
                continue
            if step[0] == "lab":
                plan.submissions.append(_passing_submission(user, step[1], step[2], when))
                continue
            quiz, passed = step[1], step[2]
            numbers[quiz.pk] += 1
            items = content.questions[quiz.pk]
            answers, total = _answers(items, quiz, passed, profile.skill, rng)
            score = _score(answers)
            attempt = Attempt(
                user=user,
                quiz=quiz,
                number=numbers[quiz.pk],
                started_at=when - timedelta(minutes=12),
                submitted_at=when,
                score=score,
                max_score=total,
                passed=bool(total) and score * 100 / total >= quiz.pass_mark,
                question_order=[q.pk for q, _a, _g in answers],
                choice_order={str(q.pk): [c.pk for c in choices] for q, choices in items},
            )
            plan.attempts.append((attempt, [(q, a, g, when) for q, a, g in answers]))
            plan.activity[(user.pk, day)]["questions_answered"] += len(answers)
            plan.activity[(user.pk, day)]["attempts_closed"] += 1
            for question, _unused, result in answers:
                plan.last_answers[(user.pk, question.pk)] = (result.fraction, when, question.quiz.module_id)
    return _write(plan, users, profiles, content.modules, cohort, now)


def _passing_submission(user, lab: Lab, points: int, when) -> Submission:
    """A graded, passing submission of the lab's reference solution, as a learner who fixed it sent,
    with the result every check passing gives (the shape labs.results documents: the learner's page
    reads its checks and figures)."""
    spec = lab.spec(list(lab.checks.all()))  # prefetched by PathContent.read
    result = lab_results.summary([check.verdict([]) for check in spec.all_checks], spec.pass_mark, [], {}, {})
    return Submission(
        user=user,
        lab=lab,
        artifact=lab.solution,
        state=SubmissionState.GRADED,
        status=lab_results.PASS,
        result=result,
        score=result["score"],
        max_score=result["max_score"],
        percent=result["percent"],
        tries=1,
        created_at=when - timedelta(minutes=1),
        graded_at=when,
    )


def _write(plan: _Plan, users, profiles, modules, cohort, now) -> dict[str, int]:
    LessonCompletion.objects.bulk_create(plan.completions, batch_size=2000)
    Submission.objects.bulk_create(plan.submissions, batch_size=2000)
    Attempt.objects.bulk_create([a for a, _r in plan.attempts], batch_size=2000)
    responses, picked = [], []
    for attempt, answers in plan.attempts:
        for question, answer, result, when in answers:
            response = Response.graded(attempt, question, answer, result, answered_at=when)
            responses.append(response)
            picked.append(result.selected_ids)
    Response.objects.bulk_create(responses, batch_size=2000)
    ResponseChoice.objects.bulk_create(
        (ResponseChoice(response=r, choice_id=pk) for r, ids in zip(responses, picked, strict=True) for pk in ids),
        batch_size=5000,
    )
    activity_by_user = {u.pk: p for u, p in zip(users, profiles, strict=True)}
    cards = []
    for (user_id, question_id), (fraction, when, module_id) in plan.last_answers.items():
        if fraction >= 1:
            continue
        card = ReviewCard(user_id=user_id, question_id=question_id, module_id=module_id, created_at=when)
        card.schedule(Rating.Again if fraction == 0 else Rating.Hard, when)
        if activity_by_user[user_id].inactive_days <= 3:  # active learners keep up with their reviews
            card.schedule(Rating.Good, max(when, now - timedelta(days=1)))
        cards.append(card)
    ReviewCard.objects.bulk_create(cards, batch_size=2000)
    DailyActivity.objects.bulk_create(
        (DailyActivity(user_id=user_id, day=day, **counts) for (user_id, day), counts in plan.activity.items()),
        batch_size=2000,
    )
    user_ids = [u.pk for u in users]
    rebuild(user_ids, modules)
    finished = ModuleProgress.objects.filter(user_id__in=user_ids, completed_at__isnull=False).values("user_id")
    done = defaultdict(int)
    for row in finished:
        done[row["user_id"]] += 1
    Certificate.objects.bulk_create(
        Certificate(
            user=u,
            path=cohort.path,
            name=u.shown_name,
            path_title=cohort.path.title,
            issued_at=now - timedelta(days=max(0, p.inactive_days)),
        )
        for u, p in zip(users, profiles, strict=True)
        if done[u.pk] == len(modules)
    )
    return {
        "learners": len(users),
        "attempts": len(plan.attempts),
        "responses": len(responses),
        "completions": len(plan.completions),
        "review_cards": len(cards),
    }
