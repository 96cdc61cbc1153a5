"""Worlds for the security suites: the curriculum filled with hostile content (XSS), and learners
with something of everything (attempts, answers, review cards, completions, memberships) whose rows
the fuzzing suite fingerprints before and after every request."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import ensure_curriculum
from tests.factories import make_path, make_user
from tests.security import payloads

KINDS = ["single", "multiple", "true_false", "ordering", "matching", "numeric", "short_text"]


# --- questions of every kind -----------------------------------------------------------------------


def add_question(
    quiz, kind: str, *, order: int, prompt: str, explanation: str, texts: list[str], feedback: str, unit=""
):
    """One question of ``kind`` whose choice texts (and match texts) come from ``texts``."""
    from quizzes.models import Choice, Question

    question = Question.objects.create(
        published=True,
        quiz=quiz,
        key=f"sec-{order}-{kind.replace('_', '-')}",
        kind=kind,
        order=order,
        prompt_md=prompt,
        explanation_md=explanation,
        points=Decimal(1),
        numeric_answer=Decimal("12.5") if kind == "numeric" else None,
        tolerance=Decimal("0.5") if kind == "numeric" else None,
        unit=unit if kind == "numeric" else "",
    )
    rows: list[dict] = []
    if kind in ("single", "multiple"):
        right = 2 if kind == "multiple" else 1
        rows = [{"text": text, "is_correct": i < right, "feedback": feedback} for i, text in enumerate(texts)]
    elif kind == "true_false":
        rows = [{"text": texts[0], "is_correct": True}, {"text": texts[1 % len(texts)], "feedback": feedback}]
    elif kind == "ordering":
        rows = [{"text": text} for text in texts]
    elif kind == "matching":
        rows = [{"text": text, "match_text": texts[(i + 1) % len(texts)]} for i, text in enumerate(texts)]
    elif kind == "short_text":
        rows = [{"text": text, "is_correct": True} for text in texts]
        rows.append({"text": "appspec.yml", "feedback": feedback})
    for position, row in enumerate(rows, start=1):
        Choice.objects.create(question=question, key=f"c{position}", order=position, **row)
    return question


def answer_data(owner, question, how: str = "right") -> dict:
    """POST data for a ``right`` or ``wrong`` answer, named with ``owner``'s tokens (an attempt or a card)."""
    choices = sorted(question.choices.all(), key=lambda c: (c.order, c.pk))
    kind = question.kind
    if kind in ("single", "true_false"):
        pick = next(c for c in choices if c.is_correct == (how == "right"))
        return {"answer": owner.token("c", pick.pk)}
    if kind == "multiple":
        picks = [c for c in choices if c.is_correct == (how == "right")]
        return {"answer": [owner.token("c", c.pk) for c in picks]}
    if kind == "ordering":
        order = choices if how == "right" else choices[1:] + choices[:1]
        return {f"position-{owner.token('o', c.pk)}": str(n) for n, c in enumerate(order, start=1)}
    if kind == "matching":
        targets = choices if how == "right" else choices[1:] + choices[:1]
        return {
            f"match-{owner.token('i', c.pk)}": owner.token("m", t.pk) for c, t in zip(choices, targets, strict=True)
        }
    if kind == "numeric":
        return {"answer": "12.5" if how == "right" else "99"}
    if kind == "short_text":
        return {"answer": choices[0].text if how == "right" else "appspec.yml"}
    raise AssertionError(kind)


# --- the XSS world -----------------------------------------------------------------------------------


def markdown_documents() -> list[str]:
    """The payloads packed into as few markdown documents as possible such that none hides another.

    One document with everything is realistic, but a payload that opens a raw-text element (an
    unclosed <style> inside MathML, say) turns the payloads after it into harmless text, so they
    would never be tried. Here a payload joins the current document only if every payload in it
    still shows its XSS-n token as often as it does on its own."""
    from devopslearn.lib.markdown import plain_text, render_markdown

    def shown(group) -> list[int]:
        text = plain_text(render_markdown("\n\n".join(p.text for p in group)))
        return [len(re.findall(rf"{p.token}(?!\d)", text)) for p in group]

    alone = {p.n: shown([p])[0] for p in payloads.PAYLOADS}
    documents, current = [], []
    for payload in payloads.PAYLOADS:
        candidate = [*current, payload]
        if shown(candidate) == [alone[p.n] for p in candidate]:
            current = candidate
        else:
            documents.append(current)
            current = [payload]
    documents.append(current)
    return ["\n\n".join(p.text for p in document) for document in documents]


@dataclass(repr=False)
class XssWorld:
    path: object
    module: object
    locked_module: object
    lessons: list
    quiz: object
    questions: dict
    learner: object
    lead: object
    instructor: object
    cohort: object
    members: list
    certificate: object
    documents: list = field(default_factory=list)
    password: str = ""


@pytest.fixture
def live_path(transactional_db):
    """The real path for tests against live_server, which flushes the database after each test."""
    return ensure_curriculum()


@pytest.fixture
def xss_world(live_path):
    """The real path with every payload in every field a learner or a lead later sees, saved through
    the ORM as an instructor's admin edit would be (``save()`` renders the markdown)."""
    from accounts.roles import instructors_group
    from cohorts.models import Cohort, Membership
    from courses.models import Lesson, Module
    from progress.models import Certificate, ModuleProgress
    from quizzes.models import Quiz
    from tests.factories import PASSWORD
    from tests.progress.helpers import ask_every_question

    every, every_line = payloads.every_payload(), payloads.every_payload_line()

    path = live_path
    path.title = payloads.chunks(200)[0]
    path.summary = every
    path.save()

    modules = list(path.modules.order_by("order", "id"))
    module, locked_module = modules[0], modules[1]
    titles = payloads.chunks(200)
    for i, title in enumerate(titles):  # every payload is the title of some module (extra ones unlocked)
        target = modules[i] if i < len(modules) else Module(path=path, slug=f"extra-module-{i}", order=100 + i)
        target.title, target.summary, target.objectives, target.published = title, every, every_line, True
        target.save()

    # Lesson 0 holds every payload in one document; the next ones hold them in documents where none
    # hides another (markdown_documents); the rest repeat them.
    documents = markdown_documents()
    bodies = [every, *documents]
    lesson_titles = payloads.chunks(200)
    lessons = list(module.lessons.order_by("order", "id"))
    for i, title in enumerate(lesson_titles):
        if i == len(lessons):
            lessons.append(Lesson(module=module, slug=f"extra-{i}", key=f"extra-{i}", order=50 + i))
        lesson = lessons[i]
        lesson.title, lesson.body_md, lesson.takeaways = title, bodies[i % len(bodies)], every_line
        lesson.published = True
        lesson.save()

    quiz = Quiz.objects.get(module=module, lesson__isnull=True)
    quiz.title = payloads.chunks(200)[1]
    quiz.shuffle_questions, quiz.time_limit_minutes, quiz.max_attempts = False, None, None
    quiz.save()
    ask_every_question(quiz)  # the real quiz draws from its pools; this one asks the questions below
    quiz.questions.update(published=False)
    choice_texts = payloads.chunks(500)
    questions = {
        kind: add_question(
            quiz,
            kind,
            order=100 + n,
            prompt=documents[n % len(documents)],
            explanation=documents[(n + 1) % len(documents)],
            texts=choice_texts,
            feedback=every,
            unit="\"'><i id=XSS-0>",
        )
        for n, kind in enumerate(KINDS)
    }

    learner = make_user("xss-learner", display_name=payloads.chunks(80)[0])
    lead = make_user("xss-lead", display_name=payloads.chunks(80)[1])
    instructor = make_user("xss-instructor", is_staff=True)
    instructor.groups.add(instructors_group())

    names = payloads.chunks(80)
    usernames = payloads.chunks(145, suffix=" #")
    members = [
        make_user(f"{usernames[i % len(usernames)]}{i}", display_name=name, email=f"xss{i}@example.com")
        for i, name in enumerate(names)
    ]

    cohort_names = payloads.chunks(120)
    cohorts = [
        Cohort.objects.create(name=name, slug="hostile" if i == 0 else f"hostile-{i}", path=path)
        for i, name in enumerate(cohort_names)
    ]
    long_ago = timezone.now() - timedelta(days=30)
    for cohort in cohorts:
        cohort.leads.add(lead)
        Membership.objects.create(cohort=cohort, user=learner)
    main = cohorts[0]
    Membership.objects.bulk_create([Membership(cohort=main, user=m, joined_at=long_ago) for m in members])
    # Someone who failed the module's quiz again and again: "Failed the “<module title>” quiz" on the
    # attention page.
    ModuleProgress.objects.create(user=members[0], module=module, attempts=3, failed_attempts=3)

    certificate = Certificate.objects.create(
        user=learner, path=path, name=learner.display_name, path_title=payloads.chunks(200)[2]
    )
    return XssWorld(
        path=path,
        module=module,
        locked_module=locked_module,
        lessons=lessons,
        quiz=quiz,
        questions=questions,
        learner=learner,
        lead=lead,
        instructor=instructor,
        cohort=main,
        members=members,
        certificate=certificate,
        documents=documents,
        password=PASSWORD,
    )


# --- the fuzzing world --------------------------------------------------------------------------------


@dataclass(repr=False)  # hypothesis prints the fixture when a test fails: keep it short
class FuzzWorld:
    path: object
    module: object
    lesson: object
    lesson2: object
    locked_lesson: object
    quiz: object
    questions: list
    module_quiz: object
    locked_quiz: object
    hidden_quiz: object
    learner: object
    other_learner: object
    outsider: object
    lead: object
    other_lead: object
    instructor: object
    superuser: object
    attempt: object
    closed_attempt: object
    other_attempt: object
    due_card: object
    pending_card: object
    later_card: object
    other_card: object
    cohort: object
    other_cohort: object
    closed_cohort: object
    ended_cohort: object
    password: str
    cache: dict = field(default_factory=dict)  # values the fuzzer derives from the world, computed once

    def __repr__(self) -> str:
        return f"<FuzzWorld: learner {self.learner.pk}, other learner {self.other_learner.pk}, lead {self.lead.pk}>"

    def _repr_pretty_(self, printer, cycle) -> None:  # what hypothesis's pretty printer asks for
        printer.text(repr(self))

    @property
    def subjects(self) -> list:
        """Whose rows are fingerprinted: the learner, another learner, a member of another cohort."""
        return [self.learner, self.other_learner, self.outsider]


@pytest.fixture
def fuzz_world(curriculum):
    from accounts.roles import instructors_group
    from cohorts.models import Cohort, Membership
    from progress import services
    from progress.models import ReviewCard
    from quizzes import attempts as lifecycle
    from quizzes.models import Quiz
    from tests.factories import PASSWORD

    modules = list(curriculum.modules.order_by("order", "id"))
    module, locked = modules[0], modules[1]
    lessons = list(module.lessons.filter(published=True).order_by("order", "id"))

    fuzz_module = make_path(modules=1, lessons=1, slug="fuzz-path", with_quiz=False).modules.get()
    quiz = Quiz.objects.create(module=fuzz_module, title="Fuzz quiz", published=True, shuffle_questions=False)
    texts = ["Alpha", "Bravo", "Charlie"]
    questions = [
        add_question(
            quiz, kind, order=n, prompt=f"Prompt {kind}?", explanation="Because.", texts=texts, feedback="No.", unit="%"
        )
        for n, kind in enumerate(KINDS, start=1)
    ]
    hidden_module = make_path(modules=1, lessons=1, slug="hidden-path", with_quiz=False).modules.get()
    hidden_quiz = Quiz.objects.create(module=hidden_module, title="Draft quiz", published=False)

    learner = make_user("fuzz-learner", display_name="Fuzz Learner")
    other_learner = make_user("fuzz-other", display_name="Other Learner")
    outsider = make_user("fuzz-outsider")
    lead = make_user("fuzz-lead")
    other_lead = make_user("fuzz-lead2")
    instructor = make_user("fuzz-instructor", is_staff=True)
    instructor.groups.add(instructors_group())
    superuser = make_user("fuzz-admin", is_staff=True, is_superuser=True)

    services.complete_lesson(learner, lessons[0])
    services.complete_lesson(other_learner, lessons[0])
    module_quiz = Quiz.objects.get(module=module, lesson__isnull=True)
    closed_attempt = lifecycle.close_attempt(lifecycle.start_attempt(learner, module_quiz))
    attempt = lifecycle.start_attempt(learner, quiz)
    lifecycle.submit_answer(attempt, questions[0], querydict(answer_data(attempt, questions[0], "wrong")))
    other_attempt = lifecycle.start_attempt(other_learner, quiz)
    lifecycle.submit_answer(other_attempt, questions[0], querydict(answer_data(other_attempt, questions[0])))

    past = timezone.now() - timedelta(days=2)
    due_card = ReviewCard.objects.get(user=learner, question=questions[0])
    due_card.due = past
    due_card.save()
    pending_card = ReviewCard.objects.create(
        user=learner,
        question=questions[1],
        module=fuzz_module,
        due=past,
        pending_answer={"choices": [questions[1].choices.order_by("order").last().pk]},
        pending_fraction=Decimal(0),
    )
    later_card = ReviewCard.objects.create(
        user=learner, question=questions[5], module=fuzz_module, due=timezone.now() + timedelta(days=3)
    )
    other_card = ReviewCard.objects.create(user=other_learner, question=questions[2], module=fuzz_module, due=past)

    cohort = Cohort.objects.create(name="Fuzz cohort", slug="fuzz-cohort", path=curriculum)
    cohort.leads.add(lead)
    other_cohort = Cohort.objects.create(name="Other cohort", slug="fuzz-other", path=curriculum)
    other_cohort.leads.add(other_lead)
    closed_cohort = Cohort.objects.create(name="Closed", slug="fuzz-closed", path=curriculum, invite_active=False)
    today = timezone.localdate()
    ended_cohort = Cohort.objects.create(
        name="Ended",
        slug="fuzz-ended",
        path=curriculum,
        start_date=today - timedelta(days=90),
        end_date=today - timedelta(days=1),
    )
    Membership.objects.create(cohort=cohort, user=learner)
    Membership.objects.create(cohort=cohort, user=other_learner)
    Membership.objects.create(cohort=other_cohort, user=outsider)

    return FuzzWorld(
        path=curriculum,
        module=module,
        lesson=lessons[0],
        lesson2=lessons[1],
        locked_lesson=locked.lessons.filter(published=True).order_by("order").first(),
        quiz=quiz,
        questions=questions,
        module_quiz=module_quiz,
        locked_quiz=Quiz.objects.get(module=locked, lesson__isnull=True),
        hidden_quiz=hidden_quiz,
        learner=learner,
        other_learner=other_learner,
        outsider=outsider,
        lead=lead,
        other_lead=other_lead,
        instructor=instructor,
        superuser=superuser,
        attempt=attempt,
        closed_attempt=closed_attempt,
        other_attempt=other_attempt,
        due_card=due_card,
        pending_card=pending_card,
        later_card=later_card,
        other_card=other_card,
        cohort=cohort,
        other_cohort=other_cohort,
        closed_cohort=closed_cohort,
        ended_cohort=ended_cohort,
        password=PASSWORD,
    )


def querydict(data: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


# --- fingerprints of a learner's rows ------------------------------------------------------------------


def learner_fingerprints(users) -> dict[int, str]:
    """{user id: sha256 of every row that is that learner's data}, computed from the database.

    The account (profile, password hash, flags, groups), lesson completions, module progress, activity
    days, attempts with their responses and picked choices, review cards, certificates, memberships.
    Throttling and audit records (django-axes, sessions) are not the learner's data.
    """
    from django.contrib.auth import get_user_model

    from cohorts.models import Membership
    from progress.models import Certificate, DailyActivity, LessonCompletion, ModuleProgress, ReviewCard
    from quizzes.models import Attempt, Response, ResponseChoice

    ids = [u.pk for u in users]
    User = get_user_model()

    def rows(queryset, key):
        found: dict[int, list] = {pk: [] for pk in ids}
        for row in queryset.order_by("pk").values():
            found.setdefault(row[key], []).append(sorted(row.items()))
        return found

    tables = {
        "user": rows(User.objects.filter(pk__in=ids), "id"),
        "groups": rows(User.groups.through.objects.filter(user_id__in=ids), "user_id"),
        "completions": rows(LessonCompletion.objects.filter(user_id__in=ids), "user_id"),
        "progress": rows(ModuleProgress.objects.filter(user_id__in=ids), "user_id"),
        "activity": rows(DailyActivity.objects.filter(user_id__in=ids), "user_id"),
        "attempts": rows(Attempt.objects.filter(user_id__in=ids), "user_id"),
        "responses": rows(Response.objects.filter(attempt__user_id__in=ids).annotate(owner=_owner()), "owner"),
        "picked": rows(
            ResponseChoice.objects.filter(response__attempt__user_id__in=ids).annotate(owner=_owner(2)), "owner"
        ),
        "cards": rows(ReviewCard.objects.filter(user_id__in=ids), "user_id"),
        "certificates": rows(Certificate.objects.filter(user_id__in=ids), "user_id"),
        "memberships": rows(Membership.objects.filter(user_id__in=ids), "user_id"),
    }
    return {
        pk: hashlib.sha256(repr([(name, table.get(pk, [])) for name, table in tables.items()]).encode()).hexdigest()
        for pk in ids
    }


def _owner(depth: int = 1):
    from django.db.models import F

    return F("response__attempt__user_id") if depth == 2 else F("attempt__user_id")
