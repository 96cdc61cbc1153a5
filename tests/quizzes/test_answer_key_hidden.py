"""The answer key is absent from every page and fragment a learner is served before answering a
question, for every question of the real curriculum: no correctness marker, no explanation, no
choice feedback, no accepted short answer, no choice id or key (opaque per-attempt tokens only),
ordering items never in the right order and matching options never lined up with their items."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from quizzes.attempts import ordered_choices, start_attempt
from quizzes.grading import match_options
from quizzes.models import Attempt, Question, QuestionKind, Quiz
from tests.quizzes.conftest import answer_data, questions_of

TOKEN = re.compile(r"^[0-9a-f]{16}$")
FIXED_NAMES = {
    "answer",
    "csrfmiddlewaretoken",
    "answer-input",
    "multi-help",
    "order-help",
    "match-help",
    "match-options-title",
    "lines-help",
    "number-rule",
}
TOKEN_NAMES = re.compile(r"^(position|pos|match)-[0-9a-f]{16}$")
MARKERS = [
    "mark-right",
    "mark-wrong",
    "mark-partial",
    "✓",
    "✗",
    "correct=",
    "is_correct",
    "is-correct",
    "data-correct",
    "feedback-",
    "line-faulty",
    "line-selected",
    "line-feedback",
    "not where the failure shows",
]
HEADINGS = ["Partly right", "Not quite", "The right answer", "Right answer"]


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, in document order."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data):
        self.texts.append(data)


def text_of(markup: str) -> str:
    return " ".join(html.unescape(strip_tags(markup)).split())


def sentences(markup: str) -> list[str]:
    """The sentences of a rendered text long enough to be recognisable (20+ characters)."""
    parts = re.split(r"(?<=[.!?:;])\s+", text_of(markup))
    return [part for part in parts if len(part) >= 20]


def answer_panel(page: str) -> str:
    start = page.index('<div id="answer-panel">')
    return page[start : page.index("</article>", start)]


def leaks(markup: str, question: Question, choices: list, others: list[Question]) -> list[str]:
    """Everything in ``markup`` that gives ``question``'s answer away (an empty list when nothing does)."""
    found = []
    fragment_or_nothing = "" if "<html" in markup else markup  # a fragment is all answer panel
    text = text_of(markup)
    attribute_words = {  # where a choice key could hide: names, ids, values, classes, data attributes
        word
        for _tag, attrs in Tags(answer_panel(markup) if 'id="answer-panel"' in markup else fragment_or_nothing).tags
        for name, value in attrs.items()
        if name in ("name", "id", "for", "value", "class", "href", "action") or name.startswith(("data-", "hx-"))
        for word in re.split(r"[^\w-]+", value)
    }
    beside_prompt = text_of(markup.replace(question.prompt_html, "")).casefold()
    found += [f"marker {m!r}" for m in MARKERS if m in markup]
    found += [f"heading {h!r}" for h in HEADINGS if h in text]
    for q in [question, *others]:  # neither this question's explanation (of any variant) nor any other's
        explanations = [q.explanation_html, *(v["explanation_html"] for v in q.variants_html or [])]
        found += [f"explanation of {q.key}: {s!r}" for e in explanations for s in sentences(e) if s in text]
    for choice in choices:
        if choice.feedback and " ".join(choice.feedback.split()) in text:
            found.append(f"feedback of {choice.key}")
        if choice.key in attribute_words:
            found.append(f"choice key {choice.key} in an attribute")
        if question.kind == QuestionKind.SHORT_TEXT and choice.is_correct and choice.text.casefold() in beside_prompt:
            found.append(f"short answer {choice.text!r}")
    return found


def control_attribute_problems(panel: str, question: Question, choices: list) -> list[str]:
    """Form controls in the panel are named by fixed names or tokens; no choice id anywhere in them."""
    problems = []
    ids = {str(c.pk) for c in choices}
    positions = {str(n) for n in range(1, len(choices) + 1)}
    for tag, attrs in Tags(panel).tags:
        # data-draft names where an unsent answer is kept (the attempt and position, or the card or
        # question's id): no choice's; its words are checked with every attribute's by leaks().
        problems += [
            f"{tag} {name}"
            for name in attrs
            if name.startswith("data-") and name not in ("data-focus-after-swap", "data-draft")
        ]
        for name in ("name", "id", "for", "value"):
            value = attrs.get(name)
            if value is None or tag not in ("input", "select", "option", "label", "textarea", "p", "fieldset"):
                continue
            if name == "value" and attrs.get("type") == "hidden" and attrs.get("name") == "csrfmiddlewaretoken":
                continue
            allowed = (
                value in FIXED_NAMES
                or value == ""
                or TOKEN.match(value)
                or TOKEN_NAMES.match(value)
                or (question.kind == QuestionKind.ORDERING and tag == "option" and value in positions)
                or (question.kind in (QuestionKind.NUMERIC, QuestionKind.SHORT_TEXT) and tag == "input")
            )
            if not allowed:
                problems.append(f"{tag} {name}={value!r}")
            elif value in ids and not (question.kind == QuestionKind.ORDERING and value in positions):
                problems.append(f"{tag} {name}={value!r} is a choice id")
    return problems


def shown_order_problems(panel: str, attempt: Attempt, question: Question) -> list[str]:
    choices = sorted(question.choices.all(), key=lambda c: (c.order, c.pk))
    labels = [
        " ".join(t.split()) for t in re.findall(r"<label for=\"(?:pos|match)-[0-9a-f]{16}\">(.*?)</label>", panel)
    ]
    labels = [html.unescape(label) for label in labels]
    if question.kind == QuestionKind.ORDERING:
        right = [c.text for c in choices]
        assert sorted(labels) == sorted(right)
        if labels == right:
            return [f"{question.key}: items shown in the right order"]
    if question.kind == QuestionKind.MATCHING:
        select = panel[panel.index("<select") : panel.index("</select>")]
        # Each option reads "A. its text", the letter of the list of options beside the menus.
        options = [
            html.unescape(o) for o in re.findall(r'<option value="[0-9a-f]{16}">[A-Z]+\. (.*?)</option>', select)
        ]
        listed = [
            html.unescape(o) for o in re.findall(r'<span class="option-letter">[A-Z]+</span> <span>(.*?)</span>', panel)
        ]
        assert listed == options  # the list in full, in the menus' order
        by_text = {c.text: c for c in choices}
        matches_in_item_order = [by_text[label].match_text for label in labels]
        assert sorted(options) == sorted(c.match_text for c in match_options(choices))
        if options == matches_in_item_order:
            return [f"{question.key}: match options lined up with their items"]
    return []


def module_quizzes(curriculum):
    return list(Quiz.objects.published().module_quizzes().filter(module__path=curriculum).order_by("module__order"))


def test_the_real_curriculum_has_a_module_quiz_of_ten_questions_or_more_per_module(curriculum):
    """(Every kind in every pool: tests/courses/test_curriculum_content.py.)"""
    quizzes = module_quizzes(curriculum)
    assert len(quizzes) == curriculum.modules.filter(published=True).count()
    assert all(q.questions_per_attempt() >= 10 for q in quizzes)


def problems_before_answering(client, learner, quiz: Quiz) -> tuple[dict[str, list[str]], int]:
    """Every page and fragment a learner is served before answering each question of an attempt at
    ``quiz``, checked by ``leaks`` and its neighbours: ({where: [problems]}, questions checked)."""
    client.force_login(learner)
    problems: dict[str, list[str]] = {}
    checked = 0
    attempt = start_attempt(learner, quiz)
    questions = questions_of(attempt)
    quiz_page = client.get(reverse("quizzes:quiz", args=[quiz.pk])).content.decode()
    for question in questions:
        choices = list(question.choices.all())
        if found := leaks(quiz_page, attempt.asked(question), choices, []):
            problems[f"quiz page {quiz.pk}"] = found
    for position, question in enumerate(questions, start=1):
        asked = attempt.asked(question)  # the drawn variant
        choices = ordered_choices(attempt, question, list(question.choices.all()))
        others = [q for q in questions if q.pk != question.pk]
        url = reverse("quizzes:question", args=[attempt.public_id, position])
        page = client.get(url)
        fragment = client.get(url, headers={"HX-Request": "true"})
        bad = "" if question.kind in (QuestionKind.NUMERIC, QuestionKind.SHORT_TEXT) else "not-a-token"
        invalid = client.post(url, {"answer": bad, "position-x": "9"}, headers={"HX-Request": "true"})
        assert page.status_code == fragment.status_code == invalid.status_code == 200
        assert b"errorlist" in invalid.content  # the bad answer was refused with a form error...
        assert not attempt.responses.filter(question=question).exists()  # ...and nothing stored
        for label, markup in (
            ("page", page.content.decode()),
            ("fragment", fragment.content.decode()),
            ("error fragment", invalid.content.decode()),
        ):
            panel = markup if label != "page" else answer_panel(markup)
            # The question chips mark the questions answered before this one (right, partly, wrong),
            # with a legend: nothing of this question's key. The rest of the page is searched.
            markup = re.sub(r'<nav aria-label="Questions">.*?</nav>', "", markup, flags=re.S)
            found = leaks(markup, asked, choices, others)
            found += control_attribute_problems(panel, question, choices)
            found += shown_order_problems(panel, attempt, question)
            if found:
                problems[f"{quiz.module.slug}/{question.key} {label}"] = found
        checked += 1
        # Answer it (wrongly, so that the feedback is as full as it gets) and go on: the next page
        # must not carry this feedback or anything of the next question's key either.
        answered = client.post(url, answer_data(attempt, question, "wrong"), headers={"HX-Request": "true"})
        assert b"Not quite" in answered.content or b"Partly right" in answered.content
    return problems, checked


def test_no_page_or_fragment_before_answering_gives_an_answer_away(client, curriculum, learner):
    problems: dict[str, list[str]] = {}
    checked = 0
    for quiz in module_quizzes(curriculum):
        found, count = problems_before_answering(client, learner, quiz)
        problems.update(found)
        checked += count
    assert checked >= 60
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_faulty_line_questions_and_numeric_variants_give_no_answer_away(client, learner):
    """The same check over the new kind (one line, and up to two lines) and a numeric question with
    variants, whatever the real curriculum holds today."""
    from tests.quizzes.conftest import add_question, build_quiz
    from tests.quizzes.test_pools import VARIANTS

    quiz = build_quiz(kinds=[QuestionKind.FAULTY_LINE, QuestionKind.NUMERIC], slug="new-kinds")
    two_lines = add_question(quiz, QuestionKind.FAULTY_LINE, key="two-lines", order=3)
    two_lines.select_count = 2
    two_lines.save()
    two_lines.choices.filter(order=5).update(is_correct=True, feedback="Also faulty: the phase that failed.")
    numeric = quiz.questions.get(kind=QuestionKind.NUMERIC)
    numeric.prompt_md = "A team deployed {deploys} times in {days} days. Deployments per day?"
    numeric.explanation_md = "Divide: {deploys} deployments over {days} days make {answer} a day."
    numeric.variants = VARIANTS
    numeric.save()

    problems, checked = problems_before_answering(client, learner, quiz)

    assert checked == 3
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_choices_are_shown_in_a_different_order_on_different_attempts(learner, other_learner):
    from tests.quizzes.conftest import build_quiz

    quiz = build_quiz(kinds=[QuestionKind.ORDERING], slug="orders")
    question = quiz.questions.get()
    orders = set()
    for user in (learner, other_learner):
        attempt = start_attempt(user, quiz)
        orders.add(tuple(attempt.choice_order[str(question.pk)]))
        tokens = {attempt.token("o", pk) for pk in attempt.choice_order[str(question.pk)]}
        assert all(TOKEN.match(t) for t in tokens)
    right = tuple(c.pk for c in question.choices.all())
    assert right not in orders


def test_tokens_differ_between_attempts_so_they_cannot_be_shared(curriculum, learner, other_learner):
    quiz = module_quizzes(curriculum)[0]
    choice = quiz.questions.filter(kind=QuestionKind.SINGLE).first().choices.first()
    mine, theirs = start_attempt(learner, quiz), start_attempt(other_learner, quiz)
    assert mine.token("c", choice.pk) != theirs.token("c", choice.pk)


@pytest.mark.parametrize("kind", [QuestionKind.ORDERING, QuestionKind.MATCHING])
def test_ordering_and_matching_are_never_shown_solved_over_many_attempts(learner, kind):
    """Hundreds of shuffles of a three-item question (one chance in six of the right order each)."""
    from tests.quizzes.conftest import build_quiz

    quiz = build_quiz(kinds=[kind])
    question = quiz.questions.get()
    right = [c.pk for c in question.choices.all()]
    from quizzes.attempts import display_order
    from quizzes.feedback import form_fields

    for _ in range(300):
        order = display_order(quiz, question, list(question.choices.all()))
        assert order != right and sorted(order) == sorted(right)
        if kind == QuestionKind.MATCHING:
            attempt = Attempt(quiz=quiz, choice_order={str(question.pk): order})
            shown = ordered_choices(attempt, question, list(question.choices.all()))
            fields = form_fields(attempt, question, shown)
            assert [t.text for t in fields.targets] != [c.match_text for c in shown]
