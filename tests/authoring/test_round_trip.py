"""Export, import into an empty quiz: equal questions, for every curriculum question and every kind.

Kinds a format cannot represent leave in their nearest form, with a comment, and are listed.
"""

import re
from decimal import Decimal

import pytest

from authoring.interchange import gift, moodle_xml
from authoring.interchange.files import export_quizzes
from authoring.interchange.store import bank_questions, import_bank
from courses.models import LearningPath, Module
from quizzes.models import Choice, Misconception, Pool, Question, Quiz

FORMATS = {"gift": gift, "moodle_xml": moodle_xml}


def empty_quiz(module, key):
    return Quiz.objects.create(module=module, key=key, lesson=module.lessons.first(), title=f"Copy {key}")


def round_trip(quiz, name, key):
    fmt = FORMATS[name]
    original = bank_questions(quiz)
    exported = fmt.write(original)
    bank = fmt.read(exported.content)
    assert bank.errors == [] and bank.skipped == [] and bank.warnings == [], exported.content
    copy = empty_quiz(quiz.module, key)
    result = import_bank(bank, copy)
    assert len(result.created) == len(original)
    return original, {q.key: q for q in bank_questions(copy)}, exported


@pytest.mark.parametrize("name", FORMATS)
def test_every_curriculum_question_round_trips(curriculum, name):
    compared = 0
    expected = Question.objects.filter(quiz__module__path=curriculum).count()
    for quiz in list(Quiz.objects.filter(module__path=curriculum)):
        original, copied, _exported = round_trip(quiz, name, f"copy-{name}")
        for question in original:
            assert copied[question.key] == question, question.key
            compared += 1
    assert compared == expected >= 78


@pytest.fixture
def every_kind(db):
    """A quiz with every kind and every field the formats must carry: pools, points, units, feedback,
    misconceptions, scenario, a faulty-line artifact, numeric variants, text that needs escaping."""
    path = LearningPath.objects.create(slug="kinds", title="Kinds")
    module = Module.objects.create(path=path, slug="kinds", title="Kinds")
    module.lessons.create(key="l", slug="l", title="L", body_md="Text.")
    quiz = Quiz.objects.create(module=module, title="Every kind")
    deploys = Pool.objects.create(quiz=quiz, key="deploys", title="Deployments / rollouts", order=1)
    builds = Pool.objects.create(quiz=quiz, key="builds", title="Builds", order=2)
    canary = Misconception.objects.create(
        tag="round-trip-canary-on-ec2", description="Believes canary works on EC2 -- always."
    )

    def question(key, kind, pool=None, choices=(), **fields):
        q = Question.objects.create(
            published=True,
            quiz=quiz,
            key=key,
            kind=kind,
            pool=pool,
            prompt_md=fields.pop("prompt", f"**{key}**: which one? Use `a = b` {{braces}} and #hash: ~tilde~"),
            explanation_md=fields.pop("explanation", "Because.\n\nSecond paragraph."),
            order=Question.objects.filter(quiz=quiz).count() + 1,
            **fields,
        )
        for n, values in enumerate(choices, start=1):
            Choice.objects.create(question=q, key=f"c{n}", order=n, **values)
        return q

    question(
        "single",
        "single",
        deploys,
        [
            {"text": "Canary on Lambda", "is_correct": True},
            {"text": "Canary on EC2", "feedback": "EC2 has no canary.", "misconception": canary},
        ],
        points=Decimal(2),
        scenario=True,
    )
    question(
        "multiple",
        "multiple",
        deploys,
        [
            {"text": "A", "is_correct": True, "feedback": "yes"},
            {"text": "B", "is_correct": True},
            {"text": "C", "is_correct": True},
            {"text": "D", "feedback": "no: #1 = wrong"},
        ],
    )
    question("tf", "true_false", None, [{"text": "True", "feedback": "No."}, {"text": "False", "is_correct": True}])
    question(
        "order",
        "ordering",
        builds,
        [{"text": "Source"}, {"text": "Build -> package"}, {"text": "Test"}, {"text": "Deploy"}],
        points=Decimal("1.5"),
    )
    question(
        "match",
        "matching",
        builds,
        [
            {"text": "CodeBuild", "match_text": "builds"},
            {"text": "CodeDeploy", "match_text": "deploys"},
            {"text": "CodePipeline", "match_text": "orchestrates"},
        ],
    )
    question("number", "numeric", None, numeric_answer=Decimal("12.5"), tolerance=Decimal("0.25"), unit="per day")
    question(
        "variants",
        "numeric",
        None,
        prompt="A team deployed {deploys} times in {days} days. How many a day?",
        explanation="{deploys} / {days} = {answer}.",
        unit="per day",
        variants=[
            {"values": {"deploys": 48, "days": 30}, "answer": "1.6", "tolerance": "0.05"},
            {"values": {"deploys": 90, "days": 30}, "answer": "3", "tolerance": "0.05"},
        ],
    )
    question(
        "short",
        "short_text",
        None,
        [{"text": "run", "is_correct": True}, {"text": "own", "feedback": "Close: #2."}],
    )
    question(
        "faulty",
        "faulty_line",
        builds,
        [
            {"text": "[Container] Running command npm ci"},
            {"text": "npm WARN deprecated", "feedback": "Warnings do not fail builds.", "misconception": canary},
            {"text": "", "feedback": ""},
            {"text": "[Container] Command did not exit successfully npm test exit status 1", "is_correct": True},
        ],
        artifact="[Container] Running command npm ci\nnpm WARN deprecated\n\n"
        "[Container] Command did not exit successfully npm test exit status 1",
        artifact_language="log",
        select_count=1,
        points=Decimal(2),
    )
    question(
        "faulty-two",
        "faulty_line",
        None,
        [
            {"text": "resource db", "is_correct": True},
            {"text": "must be replaced", "is_correct": True},
            {"text": "plan: 1 to add"},
        ],
        artifact="resource db\nmust be replaced\nplan: 1 to add",
        artifact_language="hcl",
        select_count=2,
    )
    return quiz


@pytest.mark.parametrize("name", FORMATS)
def test_every_kind_and_field_round_trips(every_kind, name):
    original, copied, exported = round_trip(every_kind, name, f"copy-{name}")
    assert len(original) == 10
    for question in original:
        assert copied[question.key] == question, question.key
    copy = Quiz.objects.get(key=f"copy-{name}")
    pools = {q.key: q.pool.title for q in copy.questions.select_related("pool") if q.pool_id}
    assert pools == {
        "single": "Deployments / rollouts",
        "multiple": "Deployments / rollouts",
        "order": "Builds",
        "match": "Builds",
        "faulty": "Builds",
    }
    faulty = copy.questions.get(key="faulty")
    assert faulty.artifact == every_kind.questions.get(key="faulty").artifact
    assert faulty.choices.get(order=2).misconception.tag == "round-trip-canary-on-ec2"


def test_kinds_a_format_cannot_represent_are_exported_nearest_and_listed(every_kind):
    gift_export = export_quizzes([every_kind], "gift")
    xml_export = export_quizzes([every_kind], "moodle_xml")
    assert sorted(line.split(" ")[0] for line in gift_export.approximations) == [
        "faulty",
        "faulty-two",
        "order",
        "variants",
    ]
    assert sorted(line.split(" ")[0] for line in xml_export.approximations) == ["faulty", "faulty-two", "variants"]
    # The nearest forms, with a comment Moodle shows no learner.
    assert "// approximated: faulty (find the faulty line)" in gift_export.content
    assert "=Line 4\\: [Container] Command did not exit successfully" in gift_export.content
    assert "=Position 2 -> Build -> package" in gift_export.content
    assert "A team deployed 48 times in 30 days." in gift_export.content  # the first variant
    assert "<!-- approximated: faulty-two (find the faulty line)" in xml_export.content
    assert "<single>false</single>" in xml_export.content
    # Our multiple-select rule in Moodle's weights: each right line 1/2, each wrong line picked -1/2.
    faulty_two = xml_export.content.split("<text>faulty-two</text>")[1].split("</question>")[0]
    assert re.findall(r'<answer fraction="(-?[\d.]+)"', faulty_two) == ["50", "50", "-50"]


def test_broken_metadata_is_read_as_what_moodle_sees(every_kind):
    text = export_quizzes([every_kind], "gift").content.replace('"answer": "1.6"', '"answer": "abc"')
    bank = gift.read(text)
    variants = next(q for q in bank.questions if q.key == "variants")
    assert variants.variants == [] and variants.answer == Decimal("1.6")
    assert variants.prompt == "A team deployed 48 times in 30 days. How many a day?"
    assert any("numeric variants could not be read (Variant 1 needs an answer" in str(w) for w in bank.warnings)


def test_a_quiz_s_draws_are_listed_as_not_exported(every_kind):
    Pool.objects.filter(key="builds").update(draw_count=2)
    exported = export_quizzes([every_kind], "moodle_xml")
    assert exported.approximations[-1].startswith("“Every kind” draws 2 question(s) from the pool “Builds”")


def test_several_quizzes_export_as_categories_that_come_back_as_pools(curriculum):
    quizzes = list(Quiz.objects.filter(module__path=curriculum).order_by("module__order")[:2])
    exported = export_quizzes(quizzes, "moodle_xml")
    bank = moodle_xml.read(exported.content)
    # Each quiz is a category; a question's own pool is a category inside it, and comes back as that pool.
    expected = dict.fromkeys(q.pool or quiz.title for quiz in quizzes for q in bank_questions(quiz))
    assert bank.pools == list(expected)
