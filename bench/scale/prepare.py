"""Prepare the scale demo's active learners and print the load test's plan as JSON.

Run by bin/scale-demo after load_content and seed_load, with DJANGO_SETTINGS_MODULE and DATABASE_URL
set. The 5,000 learners of seed_load carry histories for the dashboards; the load test's active
learners (scale-0001...) start fresh in the same cohort, so that every module-1 lesson, the module-1
quiz and a lab are open to them whatever the seed's random history.
"""

import json
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from cohorts.models import Cohort, Membership  # noqa: E402
from courses.models import LearningPath  # noqa: E402
from labs.models import Lab  # noqa: E402
from quizzes.models import Quiz  # noqa: E402

PASSWORD = "devops-demo"  # noqa: S105 - the documented demo password (seed_demo, seed_load)


def main(active: int) -> dict:
    cohort = Cohort.objects.get(slug="load-cohort")
    path = LearningPath.objects.order_by("id").first()
    module = path.modules.filter(published=True).order_by("order", "id").first()
    lessons = list(module.lessons.filter(published=True).order_by("order", "id"))
    quiz = Quiz.objects.published().module_quizzes().filter(module=module).first()
    lab = Lab.objects.filter(published=True, kind="dockerfile").select_related("module__path").order_by("id").first()
    usernames = [f"scale-{i:04d}" for i in range(1, active + 1)]
    with transaction.atomic():
        password = make_password(PASSWORD)
        existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        User.objects.bulk_create(
            [
                User(username=name, email=f"{name}@example.com", password=password)
                for name in usernames
                if name not in existing
            ]
        )
        users = User.objects.filter(username__in=usernames)
        Membership.objects.bulk_create([Membership(cohort=cohort, user=user) for user in users], ignore_conflicts=True)
    return {
        "password": PASSWORD,
        "learners": usernames,
        "lead": "load-lead",
        "cohort": cohort.slug,
        "path_url": path.get_absolute_url(),
        "module_url": module.get_absolute_url(),
        "lessons": [{"id": lesson.pk, "url": lesson.get_absolute_url()} for lesson in lessons],
        "quiz": {"id": quiz.pk, "url": quiz.get_absolute_url()} if quiz else None,
        "lab": {"id": lab.pk, "url": lab.get_absolute_url(), "artifact": lab.solution} if lab else None,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)))
