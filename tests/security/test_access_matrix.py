"""Every URL pattern of the project, requested by every kind of user, with GET and POST.

The expected outcome of each cell is written in TABLE (and ADMIN_RULES for the Django admin). A URL
pattern that neither lists fails the test, so every new page must be placed here.

Outcomes: 200, 302 (a redirect elsewhere), login (to the login page with ?next=), admin (to the
admin's login), 403, 404, 405.
"""

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.roles import instructors_group
from authoring.models import QuestionImport
from authoring.reports.save import import_report
from cohorts.models import Cohort, Membership
from labs.models import Lab, Submission
from progress.models import Certificate, ReviewCard
from quizzes.attempts import close_attempt, start_attempt
from quizzes.models import AttemptAllowance, Misconception
from tests.factories import make_user
from tests.progress.helpers import ask_every_question

ROLES = ("anon", "owner", "other", "other_lead", "lead", "instructor", "superuser")

#                                   anon   owner other o_lead lead  instr super
PUBLIC = "200 200 200 200 200 200 200"
LOGGED_IN = "login 200 200 200 200 200 200"
GET_ONLY_LOGIN = "login 405 405 405 405 405 405"
GET_ONLY_PUBLIC = "405 405 405 405 405 405 405"
OWNER_ONLY = "login 200 404 404 404 404 404"
LEADS = "login 404 404 404 200 200 200"
LEAD_ACTIONS = "login 404 404 404 302 302 302"

TABLE = {
    # name: (GET, POST)
    "healthz": (PUBLIC, GET_ONLY_PUBLIC),
    "metrics": ("404 404 404 404 404 404 404", GET_ONLY_PUBLIC),  # METRICS is off unless set
    "favicon": ("302 302 302 302 302 302 302", GET_ONLY_PUBLIC),  # to the icon in static
    "courses:home": (PUBLIC, GET_ONLY_PUBLIC),
    "courses:path": (PUBLIC, GET_ONLY_PUBLIC),
    "courses:module": (PUBLIC, GET_ONLY_PUBLIC),
    "courses:lesson": (PUBLIC, GET_ONLY_PUBLIC),
    "progress:complete": (GET_ONLY_LOGIN, "login 302 302 302 302 302 302"),  # each user completes for themselves
    "progress:undo": (GET_ONLY_LOGIN, "login 302 302 302 302 302 302"),
    "courses:search": (LOGGED_IN, GET_ONLY_LOGIN),
    "quizzes:quiz": (LOGGED_IN, GET_ONLY_LOGIN),
    "quizzes:start": (GET_ONLY_LOGIN, "login 302 302 302 302 302 302"),
    "quizzes:question": (OWNER_ONLY, "login 200 404 404 404 404 404"),  # the owner gets a form error
    "quizzes:finish": (GET_ONLY_LOGIN, "login 302 404 404 404 404 404"),
    "quizzes:result": (OWNER_ONLY, GET_ONLY_LOGIN),
    "quizzes:preview": ("login 404 404 404 404 200 200", GET_ONLY_LOGIN),
    "progress:mine": (LOGGED_IN, GET_ONLY_LOGIN),
    "progress:review": (LOGGED_IN, GET_ONLY_LOGIN),
    "progress:review_card": (OWNER_ONLY, GET_ONLY_LOGIN),
    "progress:review_answer": (GET_ONLY_LOGIN, "login 200 404 404 404 404 404"),
    "progress:review_rate": (GET_ONLY_LOGIN, "login 302 404 404 404 404 404"),
    "progress:practice_missed": (OWNER_ONLY, "login 200 404 404 404 404 404"),  # the attempt's missed questions
    # each learner's own upcoming cards (the owner's: those the closed attempt left unanswered); with
    # none, back to the review page
    "progress:practice_upcoming": ("login 200 302 302 302 302 302", "login 200 302 302 302 302 302"),
    "progress:certificate": (PUBLIC, GET_ONLY_PUBLIC),  # public once shared (it is): it verifies the certificate
    "progress:reissue_certificate": (GET_ONLY_LOGIN, "login 302 404 404 404 404 404"),  # the owner's own name
    "progress:share_certificate": (GET_ONLY_LOGIN, "login 302 404 404 404 404 404"),  # the owner's own choice
    "cohorts:list": (LOGGED_IN, GET_ONLY_LOGIN),
    "cohorts:join": (LOGGED_IN, "login 200 200 200 200 200 200"),  # an empty code is a form error
    "cohorts:overview": (LEADS, GET_ONLY_LOGIN),
    "cohorts:attention": (LEADS, GET_ONLY_LOGIN),
    "cohorts:questions": (LEADS, GET_ONLY_LOGIN),
    "cohorts:question": (LEADS, GET_ONLY_LOGIN),
    "cohorts:activity": (LEADS, GET_ONLY_LOGIN),
    "cohorts:export": (LEADS, GET_ONLY_LOGIN),
    "cohorts:member": (LEADS, GET_ONLY_LOGIN),
    "cohorts:roster": (LEADS, GET_ONLY_LOGIN),
    "cohorts:remove": (GET_ONLY_LOGIN, LEAD_ACTIONS),
    "cohorts:grant": (LEADS, "login 404 404 404 400 400 400"),  # an empty form: errors shown, nothing granted
    "cohorts:rotate": (GET_ONLY_LOGIN, LEAD_ACTIONS),
    "cohorts:invitations": (GET_ONLY_LOGIN, LEAD_ACTIONS),
    "cohorts:leave": (GET_ONLY_LOGIN, "login 302 404 404 404 404 404"),  # only members can leave
    "accounts:signup": ("200 302 302 302 302 302 302", "200 302 302 302 302 302 302"),
    "accounts:login": ("200 302 302 302 302 302 302", "200 302 302 302 302 302 302"),
    "accounts:logout": ("405 405 405 405 405 405 405", "302 302 302 302 302 302 302"),
    "accounts:account": (LOGGED_IN, "login 200 200 200 200 200 200"),  # empty form: errors shown
    "accounts:set_language": ("405 405 405 405 405 405 405", "302 302 302 302 302 302 302"),  # back to next
    "accounts:password_change": (LOGGED_IN, "login 200 200 200 200 200 200"),
    "accounts:password_change_done": (LOGGED_IN, GET_ONLY_LOGIN),
    "accounts:password_reset": (PUBLIC, PUBLIC),
    "accounts:password_reset_done": (PUBLIC, GET_ONLY_PUBLIC),
    "accounts:password_reset_confirm": (PUBLIC, PUBLIC),  # a bad token shows "this link no longer works"
    "accounts:password_reset_complete": (PUBLIC, GET_ONLY_PUBLIC),
    "labs:index": (LOGGED_IN, GET_ONLY_LOGIN),
    "labs:lab": (LOGGED_IN, GET_ONLY_LOGIN),
    "labs:check": (GET_ONLY_LOGIN, "login 400 400 400 400 400 400"),  # an empty file is a form error
    "labs:submission": ("login 302 404 404 404 404 404", GET_ONLY_LOGIN),  # the owner is sent to the lab page
    "accounts:confirm_email": ("400 " * 7, "400 " * 7),  # a bad token: "this link no longer works"
    "privacy-export": (LOGGED_IN, GET_ONLY_LOGIN),
    "privacy-delete": (LOGGED_IN, "login 200 200 200 200 200 200"),  # no password: a form error, nothing deleted
}

# The Django admin: rows match URL names by pattern; the first match wins.
ADMIN_DENIED = "admin admin admin admin admin"  # anon, owner, other, other_lead, lead: all sent to log in
ADMIN_RULES = [
    # (pattern, instructor GET, superuser GET); the first match wins.
    (r"admin:index|admin:app_list", "200", "200"),
    (r"admin:login", None, None),  # the admin's own login and logout pages are not gated
    (r"admin:logout", None, None),
    (r"admin:jsi18n|admin:autocomplete|admin:view_on_site|admin:password_change(_done)?", None, None),
    (r"admin:auth_user_password_change", "403", "200"),  # instructors never change passwords
    (r"admin:accounts_user_(changelist|change|history)", "200", "200"),  # look people up, read-only
    (r"admin:accounts_user_(add|delete)", "403", "200"),
    (r"admin:auth_group_\w+", "403", "200"),
    (r"admin:axes_\w+_add", "403", "403"),  # login records are written by the throttle only
    (r"admin:axes_\w+", "403", "200"),
    (r"admin:courses_learningpath_delete", "403", "200"),
    (r"admin:quizzes_question_delete", "403", "403"),  # the world's question has answers: never deleted
    (
        r"admin:(courses_\w+|quizzes_(quiz|question|attemptallowance|misconception)\w*|cohorts_\w+)_(changelist|add"
        r"|change|delete"
        r"|history)",
        "200",
        "200",
    ),
    (
        r"admin:quizzes_(question|quiz)_(statistics|regrade)|admin:quizzes_misconception_statistics"
        r"|admin:cohorts_cohort_bulk_add",
        "200",
        "200",
    ),
    (r"admin:(quizzes_attempt|progress_\w+)_(changelist|change|history)", "200", "200"),  # read-only
    (r"admin:(quizzes_attempt|progress_\w+)_add", "403", "403"),
    (r"admin:progress_certificate_delete", "403", "403"),  # revoked with a reason, never deleted
    (r"admin:(quizzes_attempt|progress_\w+)_delete", "403", "200"),
    (r"admin:labs_lab_(changelist|add|change|delete|history|preview)", "200", "200"),
    (r"admin:labs_submission_(changelist|change|history)", "200", "200"),  # read-only
    (r"admin:labs_submission_add", "403", "403"),
    (r"admin:labs_submission_delete", "403", "200"),
    (r"admin:django_tasks_database_dbtaskresult_(changelist|change|history)", "403", "200"),  # the grading queue
    (r"admin:django_tasks_database_dbtaskresult_(add|delete)", "403", "403"),
    (r"admin:authoring_(reportimport|questionimport)_import", "200", "200"),  # "Import a report", "... questions"
    (r"admin:authoring_\w+_add|admin:authoring_generatedquestion_delete", "403", "403"),  # made by imports only
    (r"admin:authoring_questionimport_delete", "403", "200"),
    (r"admin:authoring_\w+_(changelist|change|history|delete)", "200", "200"),
]


def all_url_names() -> list[tuple[str, list[str]]]:
    found = []

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((f"{namespace}{pattern.name}", list(pattern.pattern.regex.groupindex)))

    walk(get_resolver())
    return found


@pytest.fixture
def world(client, curriculum, learner, other_learner, lead, instructor, superuser, settings):
    """Real objects of every kind, owned by `owner` (learner1)."""
    from tests.factories import PASSWORD

    # The grading queue's admin pages read the tasks backend that made their rows: the database one.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "labs"]}}

    # The login throttle's own records (shown in the admin): one failed and one successful login.
    client.post("/accounts/login/", {"username": learner.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    client.post("/accounts/login/", {"username": learner.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    client.post("/accounts/logout/")
    module = curriculum.modules.get(slug="devops-mindset")
    lesson = module.lessons.order_by("order").first()
    quiz = ask_every_question(module.quizzes.get())  # the closed attempt answers the admin's first question too
    question = quiz.questions.order_by("order").first()
    closed = close_attempt(start_attempt(learner, quiz))
    attempt = start_attempt(learner, quiz)
    # Closing the attempt gave each question it left unanswered a card; this one is due now.
    card, _ = ReviewCard.objects.update_or_create(
        user=learner, question=question, defaults={"module": module, "due": timezone.now()}
    )
    certificate = Certificate.objects.create(
        user=learner, path=curriculum, name="Lan", path_title=curriculum.title, shared=True
    )
    cohort = Cohort.objects.create(name="Alpha", slug="alpha", path=curriculum)
    cohort.leads.add(lead)
    Membership.objects.create(cohort=cohort, user=learner)
    other_lead = make_user("lead2")
    beta = Cohort.objects.create(name="Beta", slug="beta", path=curriculum)
    beta.leads.add(other_lead)
    Membership.objects.create(cohort=beta, user=other_learner)
    instructor.groups.add(instructors_group())
    AttemptAllowance.objects.create(quiz=quiz, user=learner, extra_attempts=1, granted_by=instructor)
    # Authoring's records: a report imported as a draft (with a generated question), a question file imported.
    report = b"# World\n\n## Tools\n\n| Tool | Purpose |\n|---|---|\n| A | a |\n| B | b |\n| C | c |\n"
    import_report("world.md", report, path=curriculum)
    QuestionImport.objects.create(quiz=quiz, source_name="bank.gift.txt", file_format="gift")
    Misconception.objects.get_or_create(tag="world-misconception", defaults={"description": "A wrong idea."})
    lab = Lab.objects.select_related("module__path").filter(module__path=curriculum).first()
    lab_submission = Submission.submit(learner, lab, lab.starter)
    DBTaskResult.objects.create(
        args_kwargs={"args": [lab_submission.pk], "kwargs": {}},
        task_path="labs.tasks.grade_submission",
        queue_name="labs",
        backend_name="default",
        run_after=timezone.now(),
    )
    users = {
        "anon": None,
        "owner": learner,
        "other": other_learner,
        "other_lead": other_lead,
        "lead": lead,
        "instructor": instructor,
        "superuser": superuser,
    }
    kwargs = {
        "path_slug": curriculum.slug,
        "module_slug": module.slug,
        "lesson_slug": lesson.slug,
        "quiz_id": quiz.pk,
        "public_id": attempt.public_id,
        "position": 1,
        "question_id": question.pk,
        "card_id": card.pk,
        "code": certificate.code,
        "slug": cohort.slug,
        "user_id": learner.pk,
        "uidb64": "MQ",
        "token": "bad-token",
        "lab_slug": lab.slug,  # (the labs' own URLs are filled from the lab in url_for)
    }
    return {
        "users": users,
        "kwargs": kwargs,
        "closed": closed,
        "quiz": quiz,
        "question": question,
        "lesson": lesson,
        "module": module,
        "cohort": cohort,
        "lab": lab,
        "lab_submission": lab_submission,
    }


def admin_objects(world, name: str):
    """The object id an admin change/delete/history URL is filled with."""
    from django.apps import apps

    if name == "admin:auth_user_password_change":  # Django's UserAdmin names it so for any user model
        return world["users"]["owner"].pk
    match = re.match(r"admin:(\w+)_(change|delete|history|statistics|regrade|bulk_add|preview)$", name)
    if not match:
        return None
    # The longest app label that starts the name ("django_tasks_database_dbtaskresult").
    app_label = max((c.label for c in apps.get_app_configs() if match.group(1).startswith(f"{c.label}_")), key=len)
    model = apps.get_model(app_label, match.group(1).removeprefix(f"{app_label}_"))
    instance = model.objects.order_by("pk").first()
    if instance is None:
        pytest.fail(f"no {model.__name__} to fill {name}")
    return instance.pk


def url_for(world, name: str, params: list[str]) -> str:
    if name == "quizzes:result":
        return reverse(name, kwargs={"public_id": world["closed"].public_id})
    if name == "progress:practice_missed":
        return reverse(name, kwargs={"public_id": world["closed"].public_id, "position": 1})
    if name == "labs:submission":
        return reverse(name, kwargs={"public_id": world["lab_submission"].public_id})
    if name in ("labs:lab", "labs:check"):
        lab = world["lab"]
        return reverse(name, args=[lab.module.path.slug, lab.module.slug, lab.slug])
    if name.startswith("admin:"):
        kwargs = {}
        if "object_id" in params or "pk" in params or "id" in params:
            key = next(p for p in ("object_id", "pk", "id") if p in params)
            kwargs[key] = admin_objects(world, name)
        if "app_label" in params:
            kwargs["app_label"] = "courses"
        if "content_type_id" in params:
            return ""
        return reverse(name, kwargs=kwargs)
    return reverse(name, kwargs={p: world["kwargs"][p] for p in params})


def outcome(response) -> str:
    if response.status_code in (301, 302):
        location = response.url
        if location.startswith("/accounts/login/?next="):
            return "login"
        if location.startswith("/admin/login/"):
            return "admin"
        return "302"
    return str(response.status_code)


def request_as(client, user, method: str, url: str):
    client.logout()
    if user is not None:
        client.force_login(user)
    with transaction.atomic():  # every cell starts from the same data
        response = client.get(url) if method == "GET" else client.post(url, {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return outcome(response)


@pytest.mark.django_db
def test_every_url_pattern_is_in_the_table():
    missing = []
    for name, _params in all_url_names():
        if name in TABLE:
            continue
        if name.startswith("admin:") and any(re.fullmatch(rule, name) for rule, _i, _s in ADMIN_RULES):
            continue
        missing.append(name)
    assert missing == [], "place these URL patterns in the access table"


def test_every_cell_behaves_as_the_table_says(client, world):
    client.raise_request_exception = False
    wrong = []
    names = dict(all_url_names())
    for name, (get_row, post_row) in TABLE.items():
        assert name in names, f"{name} is in the table but not in the URLconf"
        url = url_for(world, name, names[name])
        for method, row in (("GET", get_row), ("POST", post_row)):
            for role, expected in zip(ROLES, row.split(), strict=True):
                got = request_as(client, world["users"][role], method, url)
                if got != expected:
                    wrong.append(f"{method} {url} as {role}: expected {expected}, got {got}")
    assert wrong == [], "\n".join(wrong)


def test_the_admin_lets_in_only_staff_with_the_right_permissions(client, world):
    client.raise_request_exception = False
    wrong = []
    for name, params in all_url_names():
        if not name.startswith("admin:"):
            continue
        rule = next((r for r in ADMIN_RULES if re.fullmatch(r[0], name)), None)
        if rule is None or rule[1] is None:
            continue
        url = url_for(world, name, params)
        if not url:
            continue
        expected = dict(zip(ROLES, [*ADMIN_DENIED.split(), rule[1], rule[2]], strict=True))
        for role in ROLES:
            got = request_as(client, world["users"][role], "GET", url)
            if got != expected[role]:
                wrong.append(f"GET {url} ({name}) as {role}: expected {expected[role]}, got {got}")
    assert wrong == [], "\n".join(wrong)


def test_instructors_cannot_change_passwords_or_roles(client, world):
    instructor, owner = world["users"]["instructor"], world["users"]["owner"]
    client.force_login(instructor)
    response = client.post(
        reverse("admin:accounts_user_change", args=[owner.pk]),
        {"username": owner.username, "is_staff": "on", "is_superuser": "on"},
    )
    assert response.status_code in (200, 403)
    owner.refresh_from_db()
    assert not owner.is_staff and not owner.is_superuser
    response = client.post(
        reverse("admin:auth_user_password_change", args=[owner.pk]),
        {"password1": "x-new-password-1", "password2": "x-new-password-1"},
    )
    assert response.status_code == 403
    owner.refresh_from_db()
    assert not owner.check_password("x-new-password-1")


def test_a_certificate_shows_nothing_but_the_certificate(client, world):
    owner = world["users"]["owner"]
    html = client.get(reverse("progress:certificate", args=[world["kwargs"]["code"]])).content.decode()
    assert "Lan" in html and world["kwargs"]["code"] in html
    assert owner.email not in html and owner.username not in html and "%" not in html
