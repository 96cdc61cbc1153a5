"""The neutral form of a question bank, between DevOps Learn's rows and the LMS formats.

Readers (GIFT, Moodle XML) turn a file into a ``Bank``; writers turn a list of ``BankQuestion`` into
a file. Only ``store`` touches the database. A question here already follows DevOps Learn's rules
(a kind of ours, choices with a right/wrong flag): the Moodle semantics that differ (answer weights,
several numeric answers, distractor-only matches) are translated once, in ``moodle``, with a warning
wherever they cannot be represented.
"""

from dataclasses import dataclass, field
from decimal import Decimal

KINDS = ("single", "multiple", "true_false", "ordering", "matching", "numeric", "short_text", "faulty_line")


# The parts of BankQuestion.content(), in its order.
CONTENT_PARTS = (
    "kind",
    "prompt",
    "explanation",
    "points",
    "choices",
    "answer",
    "tolerance",
    "unit",
    "scenario",
    "artifact language",
    "lines to select",
    "variants",
)


@dataclass
class BankChoice:
    """One choice, item or accepted answer. ``match`` is the right-hand side of a matching pair;
    for an ordering question, the choices are listed in their right order; for a faulty-line
    question they are the artifact's lines, in order. ``misconception`` is the tag of the wrong
    idea a wrong choice stands for (``misconception_text`` its description, to create it where it
    is missing)."""

    text: str
    correct: bool = False
    feedback: str = ""
    match: str = ""
    misconception: str = ""
    misconception_text: str = field(default="", compare=False)


@dataclass
class BankQuestion:
    """A question in DevOps Learn's terms. ``prompt`` and ``explanation`` are markdown (HTML inside
    is allowed: the one renderer sanitises both when the question is saved). ``pool`` is the
    Moodle category the question came from or goes to ("" for none). ``line`` is where the
    question starts in the file it was read from (0 when it came from the database); ``origin``
    says what a generated question was made from. A faulty-line question's artifact is its choices'
    texts, one line each; ``variants`` are a numeric question's variants (``quizzes.models``)."""

    key: str
    kind: str
    prompt: str
    explanation: str = ""
    points: Decimal = Decimal(1)
    choices: list[BankChoice] = field(default_factory=list)
    answer: Decimal | None = None
    tolerance: Decimal | None = None
    unit: str = ""
    pool: str = ""
    scenario: bool = False
    artifact_language: str = ""
    select_count: int = 1
    variants: list[dict] = field(default_factory=list)
    line: int = field(default=0, compare=False)
    origin: str = field(default="", compare=False)
    folder: str = field(default="", compare=False)

    @property
    def category(self) -> str:
        """The Moodle category path below the top category: ``folder`` (a quiz's title, when several
        quizzes share a file), then the pool; Moodle writes a "/" inside a name as "//"."""
        return "/".join(part.replace("/", "//") for part in (self.folder, self.pool) if part)

    def content(self) -> tuple:
        """Everything a learner meets (not the key, the pool or where it was read from)."""

        def number(value):
            return None if value is None else format(value.normalize(), "f")

        return (
            self.kind,
            self.prompt.strip(),
            self.explanation.strip(),
            format(self.points.normalize(), "f"),
            [(c.text, c.correct, c.feedback, c.match, c.misconception) for c in self.choices],
            number(self.answer),
            number(self.tolerance),
            self.unit,
            self.scenario,
            self.artifact_language,
            self.select_count if self.kind == "faulty_line" else 1,
            self.variants,
        )

    @property
    def artifact(self) -> str:
        return "\n".join(c.text for c in self.choices) if self.kind == "faulty_line" else ""

    def same_content(self, other: "BankQuestion") -> bool:
        return self.content() == other.content()

    def differences(self, other: "BankQuestion") -> list[str]:
        """The names of the parts of ``content()`` that differ, in words."""
        return [
            name
            for name, mine, theirs in zip(CONTENT_PARTS, self.content(), other.content(), strict=True)
            if mine != theirs
        ]


@dataclass
class Skipped:
    """A question that was not imported: an unsupported kind (essay, cloze, ...) or one that
    breaks a rule of ours. Always reported by name and line, never dropped silently."""

    name: str
    kind: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: “{self.name}” ({self.kind}) was not imported: {self.reason}"


@dataclass
class BankWarning:
    """Something imported approximately (weights our partial-credit rule cannot express, ...)."""

    name: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: “{self.name}”: {self.message}"


@dataclass
class Bank:
    """What a reader found in one file: the questions it can import, the ones it cannot, and the
    approximations it made. ``errors`` are syntax errors: with any of them nothing is imported."""

    questions: list[BankQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[BankWarning] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def pools(self) -> list[str]:
        return list(dict.fromkeys(q.pool for q in self.questions if q.pool))


def by_category(questions: list[BankQuestion]) -> list[BankQuestion]:
    """The questions grouped by pool, for a file format where a category line applies to every
    question after it: questions without a pool first, then each pool in order of first use."""
    first: dict[str, int] = {}
    for question in questions:
        first.setdefault(question.category, len(first))
    return sorted(questions, key=lambda q: (q.category != "", first[q.category]))


@dataclass
class Export:
    """A written file and the questions it could only approximate (``approximations``: one line
    each, naming the question, its kind and the form it took)."""

    content: str
    filename: str
    content_type: str
    approximations: list[str] = field(default_factory=list)
