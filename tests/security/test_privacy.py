"""A learner's own data: a JSON download, and deleting the account (answers stay, anonymous)."""

import json

import pytest

from accounts.models import User
from cohorts.models import Cohort, Membership
from courses.models import Lesson
from progress.models import Certificate, LessonCompletion, ModuleProgress, ReviewCard
from progress.services import complete_lesson
from quizzes.attempts import close_attempt, start_attempt, submit_answer
from quizzes.models import Attempt, Response
from quizzes.statistics import question_statistics
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(curriculum, learner, other_learner, lead):
    module = curriculum.modules.get(slug="devops-mindset")
    for lesson in Lesson.objects.filter(module=module)[:2]:
        complete_lesson(learner, lesson)
    quiz = module.quizzes.get()
    for user in (learner, other_learner):
        attempt = start_attempt(user, quiz)
        for question in quiz.questions.filter(kind="numeric"):
            from django.http import QueryDict

            submit_answer(attempt, question, QueryDict("answer=123456"))
        close_attempt(attempt)
    cohort = Cohort.objects.create(name="Alpha", slug="alpha", path=curriculum)
    cohort.leads.add(lead)
    Membership.objects.create(cohort=cohort, user=learner)
    Certificate.objects.create(user=learner, path=curriculum, name="Lan", path_title=curriculum.title)
    return quiz


def test_the_export_holds_the_learners_own_data_and_nobody_elses(client, learner, other_learner, history):
    client.force_login(learner)
    response = client.get("/accounts/me/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == learner.username
    assert len(data["lesson_completions"]) == 2
    assert len(data["attempts"]) == 1 and data["attempts"][0]["responses"]
    assert data["review_cards"] and data["cohort_memberships"][0]["cohort"] == "Alpha"
    assert data["certificates"][0]["name"] == "Lan"
    assert other_learner.username not in response.content.decode()


def test_deleting_needs_the_password(client, learner, history):
    client.force_login(learner)
    response = client.post("/accounts/me/delete/", {"password": "not-it"})
    assert response.status_code == 200
    assert "not your password" in response.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()


def test_deleting_removes_personal_data_and_keeps_answers_anonymous(client, learner, history):
    question_ids = list(history.questions.values_list("pk", flat=True))
    before = {qid: vars(s) for qid, s in question_statistics(question_ids).items()}
    responses = Response.objects.filter(attempt__user=learner).count()
    client.force_login(learner)
    response = client.post("/accounts/me/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not LessonCompletion.objects.filter(user_id=learner.pk).exists()
    assert not ModuleProgress.objects.filter(user_id=learner.pk).exists()
    assert not ReviewCard.objects.filter(user_id=learner.pk).exists()
    assert not Membership.objects.filter(user_id=learner.pk).exists()
    assert not Certificate.objects.filter(name="Lan").exists()
    assert Response.objects.filter(attempt__user__isnull=True).count() == responses
    assert Attempt.objects.filter(user__isnull=True).count() == 1
    after = {qid: vars(s) for qid, s in question_statistics(question_ids).items()}
    assert after == before
    assert client.get("/progress/").status_code == 302  # logged out
