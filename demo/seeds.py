"""The two entry points of demo data: ``seed_demo`` (the demo accounts and the demo cohort) and
``seed_load`` (a large cohort for benchmarks). Both are idempotent."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.roles import instructors_group
from cohorts.models import Cohort, Membership
from courses.models import LearningPath
from demo.generator import FIRST_NAMES, LAST_NAMES, PathContent, demo_profiles, generate_learners, load_profiles
from progress.models import Certificate, DailyActivity, LessonCompletion, ModuleProgress, ReviewCard
from quizzes.models import Attempt, Response

User = get_user_model()
DEMO_PASSWORD = "devops-demo"  # noqa: S105 - documented demo password, refused with DEBUG off unless --force
DEMO_COHORT_DAYS = 35  # the demo cohort started five weeks before today, whenever seed_demo runs


def ensure_user(username: str, password_hash: str, **fields) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, password=password_hash, **fields)
    user.save()
    return user, True


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


LOAD_BATCH = 100  # learners generated and written together: memory grows with this, not with --learners


def seed_load(
    learners: int = 1000, seed: int = 7, *, cohort_slug: str = "load-cohort", batch: int = LOAD_BATCH, report=None
) -> str:
    """A separate large cohort (``load-0001``... in "load-cohort"; ``<slug>-0001``... in another
    cohort) for benchmarks; never touches the demo accounts.

    It streams: ``batch`` learners at a time are created, given their history and committed, so the
    memory it needs does not grow with ``learners`` and an interrupted run resumes where it stopped
    (a batch is written whole or not at all). ``report(done, learners)`` is called after each batch.
    """
    path = LearningPath.objects.order_by("id").first()
    if path is None:
        return "Load data: load the course content first."
    password = make_password(DEMO_PASSWORD)
    today = timezone.localdate()
    start = today - timedelta(days=60)
    prefix = "load" if cohort_slug == "load-cohort" else cohort_slug
    with transaction.atomic():
        lead, _ = ensure_user(f"{prefix}-lead", password, email=f"{prefix}-lead@example.com", display_name="Load Lead")
        name = "Load cohort" if cohort_slug == "load-cohort" else f"Load cohort ({cohort_slug})"
        cohort, _ = Cohort.objects.get_or_create(
            slug=cohort_slug, defaults={"name": name, "path": path, "start_date": start}
        )
        cohort.leads.add(lead)
    joined = timezone.make_aware(datetime.combine(start, time(9)))
    content = PathContent.read(cohort.path)
    totals = dict.fromkeys(["learners", "attempts", "responses", "completions", "review_cards"], 0)
    for first in range(1, learners + 1, batch):
        number = first // batch
        rng = random.Random(f"{seed}-{number}")  # noqa: S311 - synthetic load data; one stream per batch
        usernames = [f"{prefix}-{i:04d}" for i in range(first, min(first + batch, learners + 1))]
        with transaction.atomic():
            fresh = create_learners(cohort, usernames, password, rng, joined)
            if fresh:
                profiles = load_profiles(len(fresh), rng)
                counts = generate_learners(
                    cohort, fresh, profiles, today=today, seed=rng.randrange(2**32), content=content
                )
                for name, n in counts.items():
                    totals[name] += n
        if report is not None:
            report(min(first + batch - 1, learners), learners)
    if not totals["learners"]:
        return f"Load data: {learners} learners already there, unchanged."
    return (
        "Load data: {learners} learners, {attempts} attempts, {responses} responses, {completions} lesson "
        "completions, {review_cards} review cards.".format(**totals)
    )
