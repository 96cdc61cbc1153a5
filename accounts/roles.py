"""The Instructors group: staff who author content and manage cohorts, but are not superusers."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

INSTRUCTORS = "Instructors"

# (app label, model, actions) that instructors may use in the admin.
INSTRUCTOR_PERMISSIONS = [
    ("courses", "learningpath", ("view", "add", "change")),
    ("courses", "module", ("view", "add", "change", "delete")),
    ("courses", "lesson", ("view", "add", "change", "delete")),
    ("quizzes", "quiz", ("view", "add", "change", "delete")),
    ("quizzes", "question", ("view", "add", "change", "delete")),
    ("quizzes", "choice", ("view", "add", "change", "delete")),
    ("quizzes", "pool", ("view", "add", "change", "delete")),
    ("quizzes", "misconception", ("view", "add", "change", "delete")),
    ("quizzes", "attemptallowance", ("view", "add", "change", "delete")),
    ("quizzes", "attempt", ("view",)),
    ("quizzes", "response", ("view",)),
    ("labs", "lab", ("view", "add", "change", "delete")),
    ("labs", "check", ("view", "add", "change", "delete")),
    ("labs", "submission", ("view",)),
    ("progress", "moduleprogress", ("view",)),
    ("progress", "certificate", ("view", "change")),  # re-issue or revoke, with a reason (never add or delete)
    ("progress", "certificatechange", ("view",)),
    ("cohorts", "cohort", ("view", "add", "change", "delete")),
    ("cohorts", "membership", ("view", "add", "change", "delete")),
    ("accounts", "user", ("view",)),  # look people up to manage cohorts; never passwords or roles
]


def instructors_group() -> Group:
    """Create or refresh the Instructors group with exactly its permissions."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    query = Q(pk__in=[])
    for app_label, model, actions in INSTRUCTOR_PERMISSIONS:
        query |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.set(Permission.objects.filter(query))
    return group
