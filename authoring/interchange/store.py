"""Question banks to and from the database: the only part of the interchange that touches rows."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from authoring.interchange.bank import Bank, BankChoice, BankQuestion
from quizzes.models import Choice, Question, QuestionKind, Quiz


def bank_questions(quiz: Quiz) -> list[BankQuestion]:
    """The quiz's questions in the neutral form, in their order (two queries)."""
    questions = Question.objects.filter(quiz=quiz).order_by("order", "id").prefetch_related("choices")
    return [to_bank(question, list(question.choices.all())) for question in questions]


def to_bank(question: Question, choices: list[Choice]) -> BankQuestion:
    ordered = sorted(choices, key=lambda c: (c.order, c.pk or 0))
    numeric = question.kind == QuestionKind.NUMERIC
    graded_by_flag = question.kind not in (QuestionKind.ORDERING, QuestionKind.MATCHING)  # by position, by pair
    return BankQuestion(
        key=question.key,
        kind=question.kind,
        prompt=question.prompt_md,
        explanation=question.explanation_md,
        points=question.points,
        choices=[BankChoice(c.text, c.is_correct and graded_by_flag, c.feedback, c.match_text) for c in ordered],
        answer=question.numeric_answer if numeric else None,
        tolerance=(question.tolerance if question.tolerance is not None else Decimal(0)) if numeric else None,
        unit=question.unit if numeric else "",
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


@transaction.atomic
def import_bank(bank: Bank, quiz: Quiz, *, publish: bool = False) -> BankImportResult:
    """Add the bank's questions to ``quiz``. Nothing is written when the file had errors. A
    question whose key the quiz already has is never overwritten (it may have learners' answers):
    it is "unchanged" when equal, "kept" otherwise. New questions come after the existing ones,
    unpublished unless ``publish``."""
    result = BankImportResult(quiz=quiz, bank=bank)
    if bank.errors:
        return result
    existing = {q.key: q for q in Question.objects.filter(quiz=quiz).prefetch_related("choices")}
    order = Question.objects.filter(quiz=quiz).aggregate(n=Max("order"))["n"] or 0
    for data in bank.questions:
        found = existing.get(data.key)
        if found is not None:
            same = to_bank(found, list(found.choices.all())).same_content(data)
            (result.unchanged if same else result.kept).append(data.key)
            continue
        order += 1
        question = Question.objects.create(
            quiz=quiz,
            key=data.key,
            kind=data.kind,
            prompt_md=data.prompt,
            explanation_md=data.explanation,
            points=data.points,
            order=order,
            numeric_answer=data.answer,
            tolerance=data.tolerance,
            unit=data.unit,
            published=publish,
        )
        Choice.objects.bulk_create(
            [
                Choice(
                    question=question,
                    key=f"c{position}",
                    text=choice.text,
                    is_correct=choice.correct,
                    feedback=choice.feedback,
                    order=position,
                    match_text=choice.match,
                )
                for position, choice in enumerate(data.choices, start=1)
            ]
        )
        existing[data.key] = question
        result.created.append(data.key)
    return result
