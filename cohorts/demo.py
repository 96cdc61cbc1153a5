"""Demo and load data: the demo accounts, the demo cohort, and synthetic learners whose progress
spreads realistically over the path. ``seed_demo`` and ``seed_load`` share this one generator; it
writes the ground truth (completions, attempts, responses, reviews, activity) in bulk and then
derives the progress rows with the same code as ``rebuild_progress``."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from fsrs import Rating

from accounts.roles import instructors_group
from cohorts.models import Cohort, Membership
from courses.models import LearningPath, Lesson
from progress.models import Certificate, DailyActivity, LessonCompletion, ModuleProgress, ReviewCard
from progress.rebuild import rebuild
from progress.states import path_modules
from quizzes.grading import grade
from quizzes.models import SIX_PLACES, Attempt, Question, QuestionKind, Response, ResponseChoice

User = get_user_model()
DEMO_PASSWORD = "devops-demo"  # noqa: S105 - documented demo password, refused with DEBUG off unless --force
DEMO_COHORT_DAYS = 35  # the demo cohort started five weeks before today, whenever seed_demo runs
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


def ensure_user(username: str, password_hash: str, **fields) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, password=password_hash, **fields)
    user.save()
    return user, True


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


def _timeline(start: datetime, end: datetime, steps: int, rng: random.Random) -> list[datetime]:
    if steps <= 0:
        return []
    span = max((end - start).total_seconds(), 3600)
    moments = sorted(rng.uniform(0, span) for _ in range(steps))
    return [start + timedelta(seconds=s) for s in moments]


def generate_learners(cohort: Cohort, users: list, profiles: list[Profile], *, today, seed: int) -> dict[str, int]:
    """Write realistic history for ``users`` (members of ``cohort``) following their profiles."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    modules = path_modules(cohort.path)
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
    plan = _Plan([], [], defaultdict(lambda: defaultdict(int)), {})
    zone = timezone.get_current_timezone()
    cohort_start = timezone.make_aware(datetime.combine(cohort.start_date, time(9)), zone)
    now = timezone.now()
    for user, profile in zip(users, profiles, strict=True):
        if profile.inactive_days < 0:
            continue
        end = min(now - timedelta(days=profile.inactive_days, hours=rng.uniform(1, 6)), now - timedelta(minutes=5))
        begin = min(cohort_start + timedelta(days=rng.uniform(0, 3)), end - timedelta(hours=2))
        steps = []  # ("lesson", lesson) or ("quiz", quiz, passed)
        for index, module in enumerate(modules):
            if index < profile.modules_done:
                steps += [("lesson", lesson) for lesson in lessons[module.pk]]
                if module.pk in quizzes:
                    if rng.random() < profile.retake_failures:
                        steps.append(("quiz", quizzes[module.pk], False))
                    steps.append(("quiz", quizzes[module.pk], True))
            elif index == profile.modules_done:
                steps += [("lesson", lesson) for lesson in lessons[module.pk][: profile.lessons_next]]
                if module.pk in quizzes:
                    steps += [("quiz", quizzes[module.pk], False)] * profile.failed_next
                break
        numbers = defaultdict(int)
        for step, when in zip(steps, _timeline(begin, end, len(steps), rng), strict=True):
            day = timezone.localtime(when, user.zone).date()
            if step[0] == "lesson":
                plan.completions.append(LessonCompletion(user=user, lesson=step[1], completed_at=when))
                plan.activity[(user.pk, day)]["lessons_completed"] += 1
                continue
            quiz, passed = step[1], step[2]
            numbers[quiz.pk] += 1
            items = questions[quiz.pk]
            rights = [rng.random() < profile.skill for _ in items]
            answers = []
            for (question, choices), right in zip(items, rights, strict=True):
                answer = _answer(question, choices, right, rng)
                answers.append((question, answer, grade(question, choices, answer)))
            total = sum((q.points for q, _a, _g in answers), Decimal(0))

            def score(answers=answers):
                return sum(((q.points * g.fraction).quantize(SIX_PLACES) for q, _a, g in answers), Decimal(0))

            order = list(range(len(answers)))
            rng.shuffle(order)
            for i in order:  # nudge the attempt to the outcome its profile needs
                ok = total and score() * 100 / total >= quiz.pass_mark
                if ok == passed:
                    break
                question, choices = items[i]
                answer = _answer(question, choices, passed, rng)
                answers[i] = (question, answer, grade(question, choices, answer))
            attempt_score = score()
            attempt = Attempt(
                user=user,
                quiz=quiz,
                number=numbers[quiz.pk],
                started_at=when - timedelta(minutes=12),
                submitted_at=when,
                score=attempt_score,
                max_score=total,
                passed=bool(total) and attempt_score * 100 / total >= quiz.pass_mark,
                question_order=[q.pk for q, _a, _g in answers],
                choice_order={str(q.pk): [c.pk for c in choices] for q, choices in items},
            )
            plan.attempts.append((attempt, [(q, a, g, when) for q, a, g in answers]))
            plan.activity[(user.pk, day)]["questions_answered"] += len(answers)
            plan.activity[(user.pk, day)]["attempts_closed"] += 1
            for question, _unused, result in answers:
                plan.last_answers[(user.pk, question.pk)] = (result.fraction, when, question.quiz.module_id)
    return _write(plan, users, profiles, modules, cohort, now)


def _write(plan: _Plan, users, profiles, modules, cohort, now) -> dict[str, int]:
    LessonCompletion.objects.bulk_create(plan.completions, batch_size=2000)
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


def create_learners(cohort: Cohort, usernames: list[str], password_hash: str, rng: random.Random, joined) -> list:
    """Users and memberships for the usernames that do not exist yet (idempotent)."""
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    fresh = []
    for username in usernames:
        if username in existing:
            continue
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        fresh.append(
            User(
                username=username,
                password=password_hash,
                email=f"{username}@example.com",
                display_name=name,
                date_joined=joined,
            )
        )
    User.objects.bulk_create(fresh, batch_size=1000)
    created = list(User.objects.filter(username__in=[u.username for u in fresh]).order_by("username"))
    Membership.objects.bulk_create(
        [Membership(cohort=cohort, user=u, joined_at=joined) for u in created], batch_size=1000, ignore_conflicts=True
    )
    return created


# --- relative dates ------------------------------------------------------------------------------

SHIFTED = [
    (LessonCompletion, "user_id", ["completed_at"]),
    (Attempt, "user_id", ["started_at", "submitted_at"]),
    (Response, "attempt__user_id", ["answered_at"]),
    (ReviewCard, "user_id", ["due", "last_review", "created_at"]),
    (ModuleProgress, "user_id", ["started_at", "completed_at", "last_activity_at"]),
    (DailyActivity, "user_id", ["day"]),
    (Certificate, "user_id", ["issued_at"]),
    (Membership, "user_id", ["joined_at"]),
    (User, "pk", ["date_joined"]),
]


def shift_history(user_ids: list[int], days: int) -> None:
    """Move the synthetic learners' whole history by ``days``, so that 'inactive for two weeks'
    stays true however long ago the demo data was made."""
    delta = timedelta(days=days)
    for model, field, names in SHIFTED:
        rows = model.objects.filter(**{f"{field}__in": user_ids})
        for name in names:
            rows.exclude(**{f"{name}__isnull": True}).update(**{name: F(name) + delta})


# --- the two entry points ------------------------------------------------------------------------


@transaction.atomic
def seed_demo() -> str:
    password = make_password(DEMO_PASSWORD)
    created = []
    learner, new = ensure_user("learner", password, email="learner@example.com", display_name="Linh Nguyen")
    created += ["learner"] if new else []
    instructor, new = ensure_user(
        "instructor", password, email="instructor@example.com", display_name="Minh Tran", is_staff=True
    )
    created += ["instructor"] if new else []
    lead, new = ensure_user("lead", password, email="lead@example.com", display_name="Kha Van")
    created += ["lead"] if new else []
    instructor.groups.add(instructors_group())
    path = LearningPath.objects.order_by("id").first()
    if path is None:
        return "Demo data: accounts only (no course content loaded yet)."
    today = timezone.localdate()
    start = today - timedelta(days=DEMO_COHORT_DAYS)
    cohort = Cohort.objects.filter(slug="demo-cohort").first()
    if cohort is None:
        cohort = Cohort.objects.create(name="Demo cohort", slug="demo-cohort", path=path, start_date=start)
        created.append("Demo cohort")
    cohort.leads.add(lead)
    Membership.objects.get_or_create(cohort=cohort, user=learner)
    profiles = demo_profiles()
    usernames = [f"demo-{i:02d}" for i in range(1, len(profiles) + 1)]
    rng = random.Random(2025)  # noqa: S311 - synthetic demo data
    joined = timezone.make_aware(datetime.combine(start, time(9)))
    fresh = create_learners(cohort, usernames, password, rng, joined)
    if fresh:
        by_name = dict(zip(usernames, profiles, strict=True))
        counts = generate_learners(cohort, fresh, [by_name[u.username] for u in fresh], today=today, seed=2025)
        created.append(f"{counts['learners']} demo learners ({counts['responses']} quiz answers)")
    elif cohort.start_date != start:
        days = (start - cohort.start_date).days
        ids = list(User.objects.filter(username__in=usernames).values_list("pk", flat=True))
        shift_history(ids, days)
        Cohort.objects.filter(pk=cohort.pk).update(start_date=start)
        created.append(f"demo history moved {days} days forward")
    changes = ", ".join(created) if created else "already there, unchanged"
    return f"Demo data: {changes}."


@transaction.atomic
def seed_load(learners: int = 1000, seed: int = 7) -> str:
    """A separate large cohort (load-0001...) for benchmarks; never touches the demo accounts."""
    path = LearningPath.objects.order_by("id").first()
    if path is None:
        return "Load data: load the course content first."
    password = make_password(DEMO_PASSWORD)
    today = timezone.localdate()
    start = today - timedelta(days=60)
    lead, _ = ensure_user("load-lead", password, email="load-lead@example.com", display_name="Load Lead")
    cohort, made = Cohort.objects.get_or_create(
        slug="load-cohort", defaults={"name": "Load cohort", "path": path, "start_date": start}
    )
    cohort.leads.add(lead)
    rng = random.Random(seed)  # noqa: S311 - synthetic load data
    usernames = [f"load-{i:04d}" for i in range(1, learners + 1)]
    joined = timezone.make_aware(datetime.combine(start, time(9)))
    fresh = create_learners(cohort, usernames, password, rng, joined)
    if not fresh:
        return f"Load data: {learners} learners already there, unchanged."
    profiles = load_profiles(len(fresh), rng)
    counts = generate_learners(cohort, fresh, profiles, today=today, seed=seed)
    return (
        "Load data: {learners} learners, {attempts} attempts, {responses} responses, {completions} lesson "
        "completions, {review_cards} review cards.".format(**counts)
    )
