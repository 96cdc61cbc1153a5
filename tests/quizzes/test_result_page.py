"""The result page of an attempt: score, pass or fail against the pass mark, each question with the
learner's answer, the right answer and the explanation, "Try again" within the limit, and who can
help once every attempt is used."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from progress.services import complete_lesson
from quizzes.attempts import close_attempt, ordered_choices, start_attempt, submit_answer
from quizzes.feedback import feedback_for
from quizzes.grading import correct_answer_text
from quizzes.models import Pool, QuestionKind
from tests.factories import make_path
from tests.quizzes.conftest import answer_data, build_quiz, questions_of
from tests.quizzes.test_grading import form

HOW = {
    QuestionKind.SINGLE: "right",
    QuestionKind.MULTIPLE: "partial",
    QuestionKind.TRUE_FALSE: "wrong",
    QuestionKind.ORDERING: "partial",
    QuestionKind.MATCHING: "partial",
    QuestionKind.NUMERIC: "right",
    QuestionKind.SHORT_TEXT: None,  # left unanswered
    QuestionKind.FAULTY_LINE: "wrong",
}


def take(learner, quiz, how=HOW):
    attempt = start_attempt(learner, quiz)
    for question in questions_of(attempt):
        if (choice := how.get(question.kind)) is not None:
            data = answer_data(attempt, question, choice)
            submit_answer(attempt, question, form(**data))
    return close_attempt(attempt)


def result_page(client, attempt):
    return client.get(reverse("quizzes:result", args=[attempt.public_id]))


def test_the_result_shows_the_score_and_that_the_pass_mark_was_missed(client, learner, mixed_quiz):
    attempt = take(learner, mixed_quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    # 1 + 0.5 + 0 + 0.5 + 1/3 + 1 + 0 + 0 of 8 points
    assert attempt.score == Decimal("3.333333")
    assert "41%" in page  # 41.7 %, floored
    assert "3.33 of 8 points" in page
    assert "Not passed (pass mark 70%)" in page


def test_a_missed_pass_mark_says_what_was_needed_and_which_questions_to_work_on(client, learner, mixed_quiz):
    attempt = take(learner, mixed_quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert "Not passed yet" in page
    assert "You need 70% to pass; you scored 41%." in page
    right = {r.question_id for r in attempt.responses.all() if r.is_correct}
    missed = [n for n, qid in enumerate(attempt.question_order, 1) if qid not in right]
    assert len(missed) == 6  # all but the single-choice and numeric questions answered right
    work_on = page.split("Questions to work on:", 1)[1].split("</p>", 1)[0]
    assert re.findall(r'href="#rq-(\d+)"', work_on) == [str(n) for n in missed]
    for n in missed:  # each link leads to its question on the page
        assert f'id="rq-{n}"' in page
    # the drawing of the score against the pass mark is decoration: the words above say it
    meter = re.search(r'<svg class="score-meter"[^>]*>.*?</svg>', page, re.S).group(0)
    assert 'aria-hidden="true"' in meter and 'width="41.7"' in meter and 'x="70"' in meter


def test_the_result_says_passed_when_the_score_reaches_the_pass_mark(client, learner, mixed_quiz):
    attempt = take(learner, mixed_quiz, dict.fromkeys(QuestionKind, "right"))
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert attempt.passed and "100%" in page and "Passed (pass mark 70%)" in page


def test_every_question_shows_the_learners_answer_the_right_answer_and_the_explanation(client, learner, mixed_quiz):
    attempt = take(learner, mixed_quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    responses = {r.question_id: r for r in attempt.responses.all()}
    assert page.count('class="feedback ') == 8
    for question in questions_of(attempt):
        response = responses[question.pk]
        assert question.prompt_html in page
        assert question.explanation_html in page
        shown_choices = ordered_choices(attempt, question, list(question.choices.all()))  # as the attempt showed
        feedback = feedback_for(question, shown_choices, response)
        if question.kind in (QuestionKind.NUMERIC, QuestionKind.SHORT_TEXT):  # in words; the other kinds mark in place
            if response.answered:
                assert escape(response.answer["number"] + "%") in page, question.kind
        elif question.is_faulty_line:
            assert all(escape(line.text) in page for line in feedback.lines)
        elif question.kind in (QuestionKind.ORDERING, QuestionKind.MATCHING):
            assert all(escape(given) in page and escape(right) in page for _, given, right, *_ in feedback.pairs)
        else:
            assert [c.text for c in feedback.marked] == [c.text for c in shown_choices]
        if feedback.shows_right_answer:
            assert escape(correct_answer_text(question, shown_choices)) in page, question.kind
    assert page.count("Partly right") == 3 and page.count("Not quite") == 2 and page.count("Not answered") == 1


def test_the_chosen_wrong_choice_shows_its_feedback(client, learner, mixed_quiz):
    attempt = take(learner, mixed_quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    tf = mixed_quiz.questions.get(kind=QuestionKind.TRUE_FALSE)
    assert escape(tf.choices.get(is_correct=False).feedback) in page


def test_try_again_is_offered_within_the_limit_with_the_attempts_left(client, learner):
    quiz = build_quiz(max_attempts=3, slug="three")
    attempt = take(learner, quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert "Try again" in page and "2 attempts left" in page
    assert reverse("quizzes:start", args=[quiz.pk]) in page


def test_with_unlimited_attempts_try_again_has_no_count(client, learner, mixed_quiz):
    attempt = take(learner, mixed_quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert "Try again" in page and "attempts left" not in page and "attempt left" not in page


def test_after_the_last_attempt_the_result_names_who_can_help(client, learner):
    quiz = build_quiz(max_attempts=1, slug="once")
    attempt = take(learner, quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert "Try again" not in page
    # no cohort: only an instructor can help (a member is told their cohort lead's name, test_time_limits)
    assert "You have used all your attempts at this quiz. An instructor can grant you an extra attempt." in page


def test_an_open_attempt_has_no_result_yet(client, learner, mixed_quiz):
    attempt = start_attempt(learner, mixed_quiz)
    client.force_login(learner)
    response = result_page(client, attempt)
    assert response.status_code == 302
    assert response.url == reverse("quizzes:question", args=[attempt.public_id, 1])


def test_finish_leads_to_the_result_page_at_its_own_address(client, learner, mixed_quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    response = client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    assert response.url == reverse("quizzes:result", args=[attempt.public_id])
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("passed", [True, False])
def test_the_quiz_page_lists_finished_attempts_with_their_result(client, learner, mixed_quiz, passed):
    how = dict.fromkeys(QuestionKind, "right") if passed else HOW
    attempt = take(learner, mixed_quiz, how)
    client.force_login(learner)
    page = client.get(mixed_quiz.get_absolute_url()).content.decode()
    assert reverse("quizzes:result", args=[attempt.public_id]) in page
    assert ("Passed" in page) is passed and ("Not passed" in page) is not passed


def test_passing_a_completed_module_says_so_and_names_what_it_opened(client, learner):
    path = make_path(modules=2, lessons=1, slug="next-steps")
    first, second = path.modules.order_by("order")
    complete_lesson(learner, first.lessons.get())
    attempt = take(learner, first.quizzes.get(), dict.fromkeys(QuestionKind, "right"))
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert "Module mastered: Module 1" in page  # 100 %, no card due
    assert 'class="banner banner-ok next-steps next-steps-mastered"' in page  # its own colour and star
    assert "Module 2 is now open." in page
    assert f'href="{second.get_absolute_url()}">Start Module 2 →</a>' in page
    assert "Review what I missed" not in page


def test_passing_a_quiz_before_the_lessons_are_done_says_what_is_left(client, learner):
    path = make_path(modules=2, lessons=2, slug="not-yet")
    first = path.modules.order_by("order").first()
    attempt = take(learner, first.quizzes.get(), dict.fromkeys(QuestionKind, "right"))
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert "Quiz passed: Quiz 1" in page and "is now open" not in page
    assert "To complete this module, mark its 2 lessons complete and pass its quiz." in page
    assert "1 of 3 steps of the module done." in page
    assert f'href="{first.get_absolute_url()}">Finish the module: Module 1 →</a>' in page


def test_a_failed_attempt_has_no_next_steps_banner(client, learner, mixed_quiz):
    attempt = take(learner, mixed_quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert "next-steps" not in page and "Module mastered" not in page


def test_an_unanswered_matching_question_says_not_answered_rather_than_wrong_on_each_row(client, learner, mixed_quiz):
    attempt = take(learner, mixed_quiz, {**HOW, QuestionKind.MATCHING: None})
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    matching = mixed_quiz.questions.get(kind=QuestionKind.MATCHING)
    rows = matching.choices.count()
    tables = [t for t in re.findall(r'<table class="pairs-table.*?</table>', page, re.S) if "not answered" in t]
    assert len(tables) == 1  # the matching question's; the ordering question was answered
    assert tables[0].count("not answered") == rows and "✗" not in tables[0]


def test_the_result_names_the_topics_to_reread_once_each_in_the_quizs_order(client, learner, mixed_quiz):
    """The pools of the missed questions (answered wrong, partly right or left unanswered), each once:
    the topics to reread, each linked to the lesson that teaches it (the module's lesson list for a
    pool that names none, or whose lesson is not published); a topic answered right is not named."""
    lesson = mixed_quiz.module.lessons.get()
    pools = {
        title: Pool.objects.create(quiz=mixed_quiz, key=title.lower(), title=title, order=n, lesson=taught_in)
        for n, (title, taught_in) in enumerate([("Basics", lesson), ("Pipelines", lesson), ("Rollbacks", None)], 1)
    }
    topic_of = {
        QuestionKind.SINGLE: "Basics",  # answered right (HOW)
        QuestionKind.NUMERIC: "Basics",  # right
        QuestionKind.SHORT_TEXT: "Rollbacks",  # left unanswered
        QuestionKind.MULTIPLE: "Pipelines",  # partly right
        QuestionKind.TRUE_FALSE: "Pipelines",  # wrong
    }
    for kind, title in topic_of.items():
        mixed_quiz.questions.filter(kind=kind).update(pool=pools[title])
    attempt = take(learner, mixed_quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    topics = re.search(r'<div class="missed-topics">(.*?)</div>', page, re.S).group(1)
    assert "The topics to reread, in the module's lessons:" in topics
    links = re.findall(r'<li><a href="([^"]*)"[^>]*>([^<]+)</a></li>', topics)
    lesson_list = f"{mixed_quiz.module.get_absolute_url()}#lessons-title"
    assert links == [(lesson.get_absolute_url(), "Pipelines"), (lesson_list, "Rollbacks")]
    lesson.published = False
    lesson.save()
    page = result_page(client, attempt).content.decode()
    topics = re.search(r'<div class="missed-topics">(.*?)</div>', page, re.S).group(1)
    assert re.findall(r'<li><a href="([^"]*)"', topics) == [lesson_list, lesson_list]


def test_a_lesson_quizs_result_names_its_lesson_to_reread(client, learner):
    module = make_path(modules=1, lessons=1, slug="lesson-quiz", with_quiz=False).modules.get()
    lesson = module.lessons.get()
    quiz = build_quiz(module=module, lesson=lesson, kinds=[QuestionKind.TRUE_FALSE])
    attempt = take(learner, quiz)
    client.force_login(learner)
    page = result_page(client, attempt).content.decode()
    assert f'To reread: the lesson <a href="{lesson.get_absolute_url()}">{escape(lesson.title)}</a>.' in page
