"""Small builders for test data: real rows in the real database, nothing mocked."""

from decimal import Decimal

from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-42"


def make_user(username: str, **fields):
    User = get_user_model()
    fields.setdefault("email", f"{username}@example.com")
    user = User(username=username, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_path(
    modules: int = 6,
    lessons: int = 4,
    *,
    slug: str = "test-path",
    with_quiz: bool = True,
    questions: int = 3,
    chain: bool = True,
):
    """A generated path: ``modules`` modules of ``lessons`` lessons, each module requiring the previous one.
    Written as one batch of content changes, as load_content writes (what follows from them runs once)."""
    from courses import changes

    with changes.batch():
        return _make_path(modules, lessons, slug=slug, with_quiz=with_quiz, questions=questions, chain=chain)


def _make_path(modules: int, lessons: int, *, slug: str, with_quiz: bool, questions: int, chain: bool):
    from courses.models import LearningPath, Lesson, Module
    from quizzes.models import Choice, Question, Quiz

    path = LearningPath.objects.create(slug=slug, title=f"Path {slug}", summary="A generated path.")
    previous = None
    for m in range(1, modules + 1):
        module = Module.objects.create(
            path=path,
            slug=f"m{m}",
            title=f"Module {m}",
            order=m,
            published=True,
            summary=f"Summary {m}",
            objectives="Objective one\nObjective two",
        )
        if previous is not None and chain:
            module.prerequisites.add(previous)
        for n in range(1, lessons + 1):
            Lesson.objects.create(
                module=module,
                key=f"l{n}",
                slug=f"l{n}",
                title=f"Lesson {m}.{n}",
                order=n,
                body_md=f"## Part {n}\n\nText of lesson {m}.{n} about *pipelines*.",
                takeaways="One\nTwo",
                published=True,
            )
        if with_quiz:
            quiz = Quiz.objects.create(module=module, title=f"Quiz {m}", published=True, pass_mark=70)
            for q in range(1, questions + 1):
                question = Question.objects.create(
                    published=True,
                    quiz=quiz,
                    key=f"q{q}",
                    kind="single",
                    order=q,
                    prompt_md=f"Question {q}?",
                    explanation_md="Because.",
                    points=Decimal(1),
                )
                Choice.objects.create(question=question, key="right", text="Right", is_correct=True, order=1)
                Choice.objects.create(question=question, key="wrong", text="Wrong", feedback="No.", order=2)
        previous = module
    return path
