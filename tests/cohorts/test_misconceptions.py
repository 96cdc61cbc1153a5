"""The lead's question pages group the cohort's wrong answers by the misconception each wrong choice
represents, across questions (issue 15, point 3): members' picks count, a non-member's do not."""

from django.utils import timezone

from quizzes.models import Attempt, Misconception, Response, ResponseChoice
from tests.factories import make_user


def first_attempt(user, picks):
    """The first finished attempt of ``user`` at the quiz, answering each (question, choice) of ``picks``."""
    questions = [question for question, _ in picks]
    right = sum(choice.is_correct for _, choice in picks)
    attempt = Attempt.objects.create(
        user=user,
        quiz=questions[0].quiz,
        number=1,
        submitted_at=timezone.now(),
        score=right,
        max_score=len(picks),
        question_order=[q.pk for q in questions],
    )
    for question, choice in picks:
        response = Response.objects.create(
            attempt=attempt,
            question=question,
            answer={"choices": [choice.pk]},
            answer_text=choice.text,
            fraction=int(choice.is_correct),
            points=int(choice.is_correct),
            is_correct=choice.is_correct,
        )
        ResponseChoice.objects.create(response=response, choice=choice)


def test_wrong_answers_are_grouped_by_misconception_across_questions(lead_client, cohort, curriculum, outsider):
    quiz = curriculum.modules.get(slug="devops-mindset").quizzes.get()
    first, second = quiz.questions.filter(kind="single").order_by("order")[:2]
    tag = Misconception.objects.create(tag="test-blames-the-tool", description="Believes the tool is to blame.")
    wrong_first = first.choices.filter(is_correct=False).order_by("order").first()
    wrong_second = second.choices.filter(is_correct=False).order_by("order").first()
    for choice in (wrong_first, wrong_second):
        choice.misconception = tag
        choice.save()
    ana, ben = make_user("ana"), make_user("ben")
    cohort.memberships.bulk_create([cohort.memberships.model(cohort=cohort, user=u) for u in (ana, ben)])
    first_attempt(ana, [(first, wrong_first), (second, wrong_second)])
    first_attempt(ben, [(first, wrong_first), (second, second.choices.get(is_correct=True))])
    first_attempt(outsider, [(first, wrong_first)])  # not a member: not counted

    page = lead_client.get(f"/cohorts/{cohort.slug}/questions/").content.decode()
    section = page[page.index("Wrong answers by misconception") :]
    row = section[section.index("Believes the tool is to blame.") :]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:4]]
    assert cells == ["3", "2", "2"]  # picks, learners, questions

    detail = lead_client.get(f"/cohorts/{cohort.slug}/questions/{second.pk}/").content.decode()
    row = detail[detail.index("Believes the tool is to blame.") :]
    assert [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:4]] == ["1", "1", "1"]


def test_no_misconception_section_without_tagged_wrong_answers(lead_client, cohort):
    page = lead_client.get(f"/cohorts/{cohort.slug}/questions/").content.decode()
    assert "Wrong answers by misconception" not in page
