"""Prepare the benchmark's personas in the benchmark database and print them as JSON.

Run by bench/run.py in a subprocess with DJANGO_SETTINGS_MODULE and DATABASE_URL set. Creates
sessions directly (as a login would), picks a learner with a long history, opens attempts for the
answer POSTs (each request answers a fresh question), and counts each page's SQL queries.
"""

import json
import secrets
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.sessions import SessionStore  # noqa: E402
from cohorts.models import Cohort  # noqa: E402
from courses.models import LearningPath, Lesson  # noqa: E402
from quizzes.attempts import ordered_choices, start_attempt  # noqa: E402
from quizzes.feedback import form_fields  # noqa: E402
from quizzes.models import Attempt, Question, Quiz  # noqa: E402


def session_cookie(user) -> dict:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.UserBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    token = _get_new_csrf_string()
    return {"cookie": f"sessionid={store.session_key}; csrftoken={token}", "csrf": token}


def answer_body(attempt: Attempt, question: Question) -> str:
    fields = form_fields(attempt, question, ordered_choices(attempt, question, list(question.choices.all())))
    pairs = []
    if fields.options:
        pairs.append(("answer", fields.options[0].token))
    for position, item in enumerate(fields.items, start=1):
        if fields.kind == "ordering":
            pairs.append((f"position-{item.token}", str(position)))
        else:
            pairs.append((f"match-{item.token}", fields.targets[position % len(fields.targets)].token))
    if fields.kind == "numeric":
        pairs.append(("answer", "42"))
    elif fields.kind == "short_text":
        pairs.append(("answer", "buildspec.yml"))
    return "&".join(f"{k}={v}" for k, v in pairs)


def query_count(user, method: str, url: str, body: str = "", htmx: bool = False) -> int:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    # Counted as wrk sees it, on a warm worker: the content a page shows is read once per content
    # version, so a first request reads it (a GET of the same address warms it for the POST).
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        if method == "GET":
            response = client.get(url, **headers)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        else:
            response = client.post(url, body, content_type="application/x-www-form-urlencoded", **headers)
    assert response.status_code < 400, (url, response.status_code)
    return len(captured)


def main(answer_learners: int) -> None:
    path = LearningPath.objects.order_by("id").first()
    first_quiz = Quiz.objects.published().module_quizzes().get(module__path=path, module__prerequisites__isnull=True)
    learner = (
        User.objects.filter(username__startswith="load-0").annotate(n=Count("attempts")).order_by("-n", "pk").first()
    )
    closed = Attempt.objects.closed().filter(user=learner).order_by("-submitted_at").first()
    module = closed.quiz.module
    lesson = Lesson.objects.published().filter(module=module).order_by("order").first()
    lesson.module = module
    open_attempt = Attempt.objects.open().filter(user=learner, quiz=first_quiz).first() or start_attempt(
        learner, first_quiz
    )
    lead = User.objects.get(username="load-lead")
    cohort = Cohort.objects.get(slug="load-cohort")
    # Fresh learners, each with an open attempt at the first quiz: every POST answers a new question.
    password = make_password(None)
    # New learners on every run (a reused database keeps the last run's, their questions answered).
    run = secrets.token_hex(3)
    names = [f"bench-{run}-{i:05d}" for i in range(answer_learners)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        [User(username=n, email=f"{n}@example.com", password=password) for n in names if n not in existing]
    )
    answers = []
    for user in User.objects.filter(username__in=names).order_by("username"):
        attempt = start_attempt(user, first_quiz)
        cookie = session_cookie(user)
        answered = set(attempt.responses.values_list("question_id", flat=True))
        questions = {
            q.pk: q for q in Question.objects.filter(pk__in=attempt.question_order).prefetch_related("choices")
        }
        for position, qid in enumerate(attempt.question_order, start=1):
            if qid not in answered:
                answers.append(
                    {
                        **cookie,
                        "username": user.username,
                        "path": f"/quizzes/attempts/{attempt.public_id}/q/{position}/",
                        "body": answer_body(attempt, questions[qid]),
                    }
                )
    learner_cookie = session_cookie(learner)
    pages = {
        "path": f"/paths/{path.slug}/",
        "module": module.get_absolute_url(),
        "lesson": lesson.get_absolute_url(),
        "quiz question": f"/quizzes/attempts/{open_attempt.public_id}/q/1/",
        "answer feedback": f"/quizzes/attempts/{closed.public_id}/q/1/",
        "result": f"/quizzes/attempts/{closed.public_id}/",
        "progress": "/progress/",
        "review": "/progress/review/",
    }
    reserve = answers.pop()
    counts = {name: query_count(learner, "GET", url) for name, url in pages.items()}
    counts["answer POST"] = query_count(
        User.objects.get(username=reserve["username"]), "POST", reserve["path"], reserve["body"], htmx=True
    )
    counts["cohort dashboard"] = query_count(lead, "GET", cohort.get_absolute_url())
    counts["cohort CSV"] = query_count(lead, "GET", f"/cohorts/{cohort.slug}/export.csv")
    print(
        json.dumps(
            {
                "learner": {**learner_cookie, "username": learner.username},
                "lead": {**session_cookie(lead)},
                "pages": pages,
                "dashboard": cohort.get_absolute_url(),
                "csv": f"/cohorts/{cohort.slug}/export.csv",
                "answers": answers,
                "queries": counts,
                "members": cohort.memberships.count(),
                "responses": cohort.path.modules.count()
                and Attempt.objects.filter(user__memberships__cohort=cohort).aggregate(n=Count("responses"))["n"],
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1500)
