"""Demo and load data: the demo accounts, the demo cohort, and synthetic learners with realistic
progress. seed_demo and seed_load share this one generator."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.roles import instructors_group
from cohorts.models import Cohort, Membership
from courses.models import LearningPath

User = get_user_model()
DEMO_PASSWORD = "devops-demo"  # noqa: S105 - documented demo password, refused with DEBUG off unless --force


def ensure_user(username: str, password_hash: str, **fields) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, password=password_hash, **fields)
    user.save()
    return user, True


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
    if path is not None:
        cohort = Cohort.objects.filter(slug="demo-cohort").first()
        if cohort is None:
            cohort = Cohort.objects.create(
                name="Demo cohort",
                slug="demo-cohort",
                path=path,
                start_date=timezone.localdate() - timezone.timedelta(days=35),
            )
            created.append("Demo cohort")
        cohort.leads.add(lead)
        Membership.objects.get_or_create(cohort=cohort, user=learner)
    return (
        "Demo data: "
        + (", ".join(f"created {name}" for name in created) if created else "already there, unchanged")
        + "."
    )
