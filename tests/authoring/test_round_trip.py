"""Every curriculum question leaves as GIFT and as Moodle XML and comes back equal."""

import pytest

from authoring.interchange import gift, moodle_xml
from authoring.interchange.store import bank_questions, import_bank
from quizzes.models import Quiz

FORMATS = {"gift": gift, "moodle_xml": moodle_xml}


@pytest.mark.parametrize("name", FORMATS)
def test_every_curriculum_question_round_trips(curriculum, name):
    fmt = FORMATS[name]
    quizzes = list(Quiz.objects.filter(module__path=curriculum))
    assert quizzes
    compared = 0
    for quiz in quizzes:
        original = bank_questions(quiz)
        exported = fmt.write(original)
        bank = fmt.read(exported.content)
        assert bank.errors == [] and bank.skipped == [] and bank.warnings == [], exported.content
        lesson = quiz.module.lessons.first()
        empty = Quiz.objects.create(module=quiz.module, key=f"copy-{name}", lesson=lesson, title="Copy")
        result = import_bank(bank, empty)
        assert len(result.created) == len(original)
        copied = {q.key: q for q in bank_questions(empty)}
        for question in original:
            assert copied[question.key] == question, question.key
            compared += 1
    assert compared >= 78
