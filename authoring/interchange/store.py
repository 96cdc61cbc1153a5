"""Question banks to and from the database: the only part of the interchange that touches rows."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch

from authoring.interchange import moodle
from authoring.interchange.bank import Bank, BankChoice, BankQuestion, BankWarning
from courses import changes
from quizzes.models import TAG, Choice, Misconception, Pool, Question, QuestionKind, Quiz, line_key


def bank_questions(quiz: Quiz) -> list[BankQuestion]:
    """The quiz's questions in the neutral form, in their order (two queries)."""
    questions = (
        Question.objects.filter(quiz=quiz)
        .select_related("pool")
        .order_by("order", "id")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.select_related("misconception")))
    )
    return [to_bank(question, list(question.choices.all())) for question in questions]


def to_bank(question: Question, choices: list[Choice]) -> BankQuestion:
    ordered = sorted(choices, key=lambda c: (c.order, c.pk or 0))
    numeric = question.kind == QuestionKind.NUMERIC
    graded_by_flag = question.kind not in (QuestionKind.ORDERING, QuestionKind.MATCHING)  # by position, by pair
    pool = question.pool if question.pool_id else None
    return BankQuestion(
        key=question.key,
        kind=question.kind,
        prompt=question.prompt_md,
        explanation=question.explanation_md,
        points=question.points,
        choices=[
            BankChoice(
                c.text,
                c.is_correct and graded_by_flag,
                c.feedback,
                c.match_text,
                c.misconception.tag if c.misconception_id else "",
                c.misconception.description if c.misconception_id else "",
            )
            for c in ordered
        ],
        answer=question.numeric_answer if numeric else None,
        tolerance=(question.tolerance if question.tolerance is not None else Decimal(0)) if numeric else None,
        unit=question.unit if numeric else "",
        pool=(pool.title or pool.key) if pool else "",
        scenario=question.scenario,
        artifact_language=question.artifact_language if question.kind == QuestionKind.FAULTY_LINE else "",
        select_count=question.select_count if question.kind == QuestionKind.FAULTY_LINE else 1,
        variants=list(question.variants or []) if numeric else [],
    )


@dataclass
class BankImportResult:
    """What an import made: keys created, keys already there with the same content (unchanged),
    keys already there with other content (kept as they were), and the reader's findings."""

    quiz: Quiz
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    bank: Bank = field(default_factory=Bank)

    @property
    def ok(self) -> bool:
        return not self.bank.errors

    def text(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        """The report, one line each, in English like the other import reports."""
        if self.bank.errors:
            return [
                f"Nothing was imported into “{self.quiz.title}”: the file has {len(self.bank.errors)} error(s).",
                *[f"  error: {error}" for error in self.bank.errors],
            ]
        out = [
            f"Into “{self.quiz.title}”: {len(self.created)} created, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept (a question with that key was already there), {len(self.bank.skipped)} not "
            f"imported, {len(self.bank.warnings)} warning(s)."
        ]
        if self.bank.pools:
            out.append("  categories (pools): " + ", ".join(self.bank.pools))
        out += [f"  kept: “{key}” already exists with other content; it was left as it is" for key in self.kept]
        out += [f"  not imported: {skipped}" for skipped in self.bank.skipped]
        out += [f"  warning: {warning}" for warning in self.bank.warnings]
        return out


@changes.batch()  # one transaction; grades and progress follow the content (courses.changes)
def import_bank(bank: Bank, quiz: Quiz, *, publish: bool = False, pool: str = "") -> BankImportResult:
    """Add the bank's questions to ``quiz``: each into the pool its category names (created when
    missing), or all into ``pool`` (a pool's title or key) when given. Nothing is written when the
    file had errors. A question whose key the quiz already has is never overwritten (it may have
    learners' answers): it is "unchanged" when equal, "kept" otherwise. New questions come after
    the existing ones, unpublished unless ``publish``."""
    result = BankImportResult(quiz=quiz, bank=bank)
    if bank.errors:
        return result
    existing = {
        q.key: q
        for q in Question.objects.filter(quiz=quiz).prefetch_related(
            Prefetch("choices", queryset=Choice.objects.select_related("misconception"))
        )
    }
    order = Question.objects.filter(quiz=quiz).aggregate(n=Max("order"))["n"] or 0
    pools = _Pools(quiz)
    for data in bank.questions:
        found = existing.get(data.key)
        if found is not None:
            same = to_bank(found, list(found.choices.all())).same_content(data)
            (result.unchanged if same else result.kept).append(data.key)
            continue
        order += 1
        question, problems = save_question(
            data, quiz=quiz, key=data.key, order=order, published=publish, pool=pools.get(pool or data.pool)
        )
        for problem in problems:
            bank.warnings.append(BankWarning(data.key, data.line, problem))
        existing[data.key] = question
        result.created.append(data.key)
    return result


class _Pools:
    """The target quiz's pools by title (a category's name), created when missing."""

    def __init__(self, quiz: Quiz):
        self.quiz = quiz
        self.by_name = {}
        for pool in Pool.objects.filter(quiz=quiz):
            self.by_name.setdefault((pool.title or pool.key).casefold(), pool)
            self.by_name.setdefault(pool.key.casefold(), pool)
        self.keys = {pool.key for pool in self.by_name.values()}

    def get(self, name: str) -> Pool | None:
        name = name.strip()
        if not name:
            return None
        pool = self.by_name.get(name.casefold())
        if pool is None:
            key = moodle.question_key(name, self.keys, fallback="pool", limit=Pool._meta.get_field("key").max_length)
            order = (Pool.objects.filter(quiz=self.quiz).aggregate(n=Max("order"))["n"] or 0) + 1
            pool = Pool.objects.create(quiz=self.quiz, key=key, title=name[:200], order=order)
            self.by_name[name.casefold()] = pool
        return pool


def _misconception(tag: str, description: str, problems: list[str]) -> Misconception | None:
    if not tag:
        return None
    try:
        TAG(tag)
    except ValidationError:
        problems.append(f"the misconception tag “{tag}” is not a valid tag (lowercase letters, digits, -); dropped")
        return None
    found, _created = Misconception.objects.get_or_create(
        tag=tag[:60], defaults={"description": (description or "Imported with a question file.")[:300]}
    )
    return found


def save_question(
    data: BankQuestion, *, quiz: Quiz, key: str, order: int, published: bool, pool=None
) -> tuple[Question, list[str]]:
    """Create one question and its choices from the neutral form; also returns what was dropped."""
    question = Question(
        quiz=quiz,
        key=key,
        published=published,
        order=order,
        pool=pool,
        **question_fields(data),
    )
    question.save()
    return question, write_choices(question, data)


def write_choices(question: Question, data: BankQuestion) -> list[str]:
    """Create the question's choices from the neutral form; returns what had to be dropped."""
    problems: list[str] = []
    Choice.objects.bulk_create(
        [
            Choice(
                question=question,
                key=line_key(position) if data.kind == QuestionKind.FAULTY_LINE else f"c{position}",
                text=choice.text,
                is_correct=choice.correct,
                feedback=choice.feedback,
                order=position,
                match_text=choice.match,
                misconception=_misconception(choice.misconception, choice.misconception_text, problems),
            )
            for position, choice in enumerate(data.choices, start=1)
        ]
    )
    return problems


def question_fields(data: BankQuestion) -> dict:
    """The question's own columns from the neutral form (not its key, order, pool or publishing)."""
    faulty = data.kind == QuestionKind.FAULTY_LINE
    return {
        "kind": data.kind,
        "prompt_md": data.prompt,
        "explanation_md": data.explanation,
        "points": data.points,
        "numeric_answer": data.answer,
        "tolerance": data.tolerance,
        "unit": data.unit,
        "scenario": data.scenario,
        "artifact": data.artifact if faulty else "",
        "artifact_language": data.artifact_language if faulty else "",
        "select_count": data.select_count if faulty else 1,
        "variants": data.variants,
    }
