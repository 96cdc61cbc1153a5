"""Moodle's GIFT text format: read with a grammar (lark), written by hand.

No maintained, sound GIFT parser is published for Python (the ones on PyPI are unmaintained, keep
global state, print their errors, or need Python 3.14 and turn true/false into multiple choice), so
DevOps Learn reads GIFT with the small grammar below, following Moodle's own reader
(``question/format/gift/format.php``) and its documented syntax:

- questions are separated by blank lines; a line starting with ``//`` is a comment;
- ``$CATEGORY: path`` switches the category (a pool here) for the questions that follow;
- ``::title::`` names a question (its key here), ``[markdown]``/``[html]``/``[plain]``/``[moodle]``
  gives a text's format;
- the answers go in braces: ``=right``, ``~wrong``, ``~%50%partly right``, ``#feedback`` after an
  answer, ``####general feedback`` last; ``{T}``/``{FALSE#wrong#right}``; ``{=a -> b ...}``
  matching; ``{#3:2}``, ``{#1..5}`` and ``{#=3:0 =%50%3:2}`` numeric; ``{=one =two}`` short answer;
  ``{}`` an essay and no braces a description (both listed as not supported); text after the
  braces makes a missing-word question (the braces become ``_____``);
- ``\\~ \\= \\# \\{ \\} \\:`` escape those characters, ``\\n`` is a new line, ``\\\\`` a backslash.

What GIFT cannot say (points, a numeric unit, an ordering or faulty-line question, variants,
misconception tags) is exported in the nearest form with an ``// approximated:`` comment, and written
in a comment line ``// devopslearn: {...}`` (JSON) before the question: Moodle ignores comments, and
this reader restores those fields from it (``moodle.outgoing``/``moodle.incoming``), so that an
export comes back equal.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from authoring.interchange import moodle
from authoring.interchange.bank import Bank, BankQuestion, BankWarning, Export, Skipped, by_category
from authoring.interchange.moodle import MoodleAnswer, NotRepresentable

GRAMMAR = r"""
start: TITLE? TEXT? (answers TEXT?)?
answers: "{" body "}"
body: NUMERIC item_list general?   -> numeric
    | item_list general?           -> choices
item_list: leading? item*
leading: ATEXT feedback*
item: MARK WEIGHT? ATEXT? feedback?
feedback: HASH ATEXT?
general: GENERAL ATEXT?
NUMERIC: "#"
MARK: "=" | "~"
HASH: "#"
GENERAL: "####"
WEIGHT.3: /%-?\d+(\.\d*)?%/
TITLE.3: /::(?:[^\\:]|\\.|:(?!:))*::/s
TEXT: /(?:[^\s\\{}]|\\.)(?:[^\\{}]|\\.)*/s
ATEXT: /(?:[^\s\\=~#{}]|\\.)(?:[^\\=~#{}]|\\.)*/s
%ignore /\s+/
"""

_parser = Lark(GRAMMAR, parser="lalr", propagate_positions=True)

FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "n": "\n", "\\": "\\"}
ESCAPE = re.compile(r"\\(.)", re.S)
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
CONTENT_TYPE = "text/plain; charset=utf-8"


def unescape(text: str) -> str:
    return ESCAPE.sub(lambda m: ESCAPES.get(m.group(1), m.group(0)), text)


def escape(text: str) -> str:
    """Moodle's own escaping (``repchar``): the special characters, and new lines as ``\\n``."""
    for char in ("\\", "~", "=", "#", "{", "}", ":"):
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def split_format(text: str, default: str) -> tuple[str, str]:
    match = FORMAT.match(text.strip())
    if match:
        return text.strip()[match.end() :], match.group(1).lower()
    return text, default


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class _Block:
    line: int
    lines: list[str] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


def _blocks(text: str) -> list[_Block]:
    """Questions are separated by blank lines; comment lines are removed (our metadata kept)."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            current = None
            continue
        if current is None:
            current = _Block(number)
            blocks.append(current)
        if line.strip().startswith("//"):
            current.metadata = moodle.read_metadata(line.strip()[2:]) or current.metadata
            current.lines.append("")  # keep line numbers
            continue
        current.lines.append(line)
    return [b for b in blocks if any(line.strip() for line in b.lines)]


def _text(node: Tree | Token | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Token):
        return str(node)
    return "".join(_text(child) for child in node.children if isinstance(child, Token) and child.type == "ATEXT")


@dataclass
class _Item:
    mark: str  # "=", "~" or "" for the leading text
    weight: str
    text: str
    feedbacks: list[str]


def _items(item_list: Tree) -> list[_Item]:
    items = []
    for child in item_list.children:
        tokens = [t for t in child.children if isinstance(t, Token)]
        feedbacks = [_text(f) for f in child.children if isinstance(f, Tree) and f.data == "feedback"]
        mark = next((t for t in tokens if t.type == "MARK"), "")
        weight = next((t for t in tokens if t.type == "WEIGHT"), "")
        text = next((t for t in tokens if t.type == "ATEXT"), "")
        items.append(_Item(str(mark), str(weight), str(text), feedbacks))
    return items


class _Question:
    """One GIFT question block, read into our neutral form."""

    def __init__(self, block: _Block, tree: Tree, source: str, category: str, taken: set[str], bank: Bank):
        self.block, self.bank, self.category = block, bank, category
        tokens = [c for c in tree.children if isinstance(c, Token)]
        title = next((t for t in tokens if t.type == "TITLE"), None)
        answers = next((c for c in tree.children if isinstance(c, Tree) and c.data == "answers"), None)
        self.name = unescape(str(title)[2:-2]).strip() if title else ""
        start = title.end_pos if title else 0
        if answers is None:
            stem = source[start:]
        else:
            before, after = source[start : answers.meta.start_pos], source[answers.meta.end_pos :]
            stem = before + ("_____" + after if after.strip() else "")
        stem, self.format = split_format(stem.strip(), "moodle")
        self.prompt = unescape(stem).strip()
        if not self.name:
            self.name = " ".join(self.prompt.split())[:60] or "question"
        self.key = moodle.question_key(self.name, taken)
        self.answers = answers

    def warn(self, message: str) -> None:
        self.bank.warnings.append(BankWarning(self.name, self.block.line, message))

    def skip(self, kind: str, reason: str) -> None:
        self.bank.skipped.append(Skipped(self.name, kind, self.block.line, reason))

    def text(self, raw: str, *, plain: bool) -> str:
        raw, fmt = split_format(raw.strip(), self.format)
        raw = unescape(raw)
        return moodle.to_plain(raw, fmt) if plain else moodle.to_markdown(raw, fmt)

    def read(self) -> BankQuestion | None:
        if self.answers is None:
            self.skip("description", "a description (text without answers) is not a question here")
            return None
        body = self.answers.children[0]
        general = next((c for c in body.children if isinstance(c, Tree) and c.data == "general"), None)
        item_list = next(c for c in body.children if isinstance(c, Tree) and c.data == "item_list")
        items = _items(item_list)
        question = BankQuestion(
            key=self.key,
            kind="",
            prompt=moodle.to_markdown(self.prompt, self.format),
            explanation=self.text(_text(general), plain=False) if general else "",
            pool=self.category,
            line=self.block.line,
        )
        kind = _moodle_type(body.data, items)
        if kind == "essay":
            self.skip("essay", "essay questions need a person to grade them; DevOps Learn grades automatically")
            return None
        try:
            getattr(self, f"_{kind}")(question, items)
            return moodle.finish(moodle.incoming(question, self.block.metadata, self.warn))
        except NotRepresentable as problem:
            self.skip(kind, str(problem))
            return None

    def _answers(self, items: list[_Item], default: Decimal) -> list[MoodleAnswer]:
        answers = []
        for item in items:
            if item.weight:
                fraction = moodle.number(item.weight.strip("%")) / 100
            else:
                fraction = moodle.ONE if item.mark == "=" else default
            feedback = self.text(item.feedbacks[0], plain=True) if item.feedbacks else ""
            answers.append(MoodleAnswer(self.text(item.text, plain=True), fraction, feedback))
        return answers

    def _multichoice(self, question: BankQuestion, items: list[_Item]) -> None:
        if any(not i.mark for i in items):
            raise NotRepresentable("text before the first ~ or = in the answers")
        single = any(i.mark == "=" for i in items)
        question.kind, question.choices = moodle.multichoice(
            self._answers(items, moodle.ZERO), single=single, warn=self.warn
        )

    def _matching(self, question: BankQuestion, items: list[_Item]) -> None:
        pairs = []
        for item in items:
            if "->" not in item.text:
                raise NotRepresentable(f"the matching answer “{unescape(item.text).strip()}” has no ->")
            left, right = item.text.split("->", 1)
            pairs.append((self.text(left, plain=True), unescape(right).strip()))
        question.kind = "matching"
        question.choices = moodle.matching(pairs, warn=self.warn)

    def _truefalse(self, question: BankQuestion, items: list[_Item]) -> None:
        item = items[0]
        question.kind = "true_false"
        correct = TRUE_FALSE[item.text.strip()]
        wrong = self.text(item.feedbacks[0], plain=True) if item.feedbacks else ""
        right = self.text(item.feedbacks[1], plain=True) if len(item.feedbacks) > 1 else ""
        # "#wrong#right": the first feedback is shown for a wrong answer, the second for a right one.
        true_feedback, false_feedback = (right, wrong) if correct else (wrong, right)
        question.choices = moodle.truefalse(correct, true_feedback, false_feedback)

    def _shortanswer(self, question: BankQuestion, items: list[_Item]) -> None:
        for item in items:
            item.mark = item.mark or "="  # {answer} is read as {=answer}, as Moodle does
        question.choices = moodle.shortanswer(self._answers(items, moodle.ONE), case_sensitive=False, warn=self.warn)
        question.kind = "short_text"

    def _numerical(self, question: BankQuestion, items: list[_Item]) -> None:
        answers = []
        for item in items:
            if item.mark == "~":
                feedback = self.text(item.feedbacks[0], plain=True) if item.feedbacks else ""
                answers.append(MoodleAnswer("*", moodle.ZERO, feedback))
                continue
            fraction = moodle.number(item.weight.strip("%")) / 100 if item.weight else moodle.ONE
            value = unescape(item.text).strip()
            if ".." in value:
                low, high = (moodle.number(part) for part in value.split("..", 1))
                answer, tolerance = (low + high) / 2, (high - low) / 2
            elif ":" in value:
                answer_text, tolerance_text = value.split(":", 1)
                answer, tolerance = moodle.number(answer_text), moodle.number(tolerance_text)
            else:
                answer, tolerance = moodle.number(value), moodle.ZERO
            feedback = self.text(item.feedbacks[0], plain=True) if item.feedbacks else ""
            answers.append(MoodleAnswer(format(answer, "f"), fraction, feedback, tolerance))
        if not answers:
            raise NotRepresentable("a numeric question needs an answer")
        question.answer, question.tolerance, feedback = moodle.numerical(answers, warn=self.warn)
        question.kind = "numeric"
        if feedback:
            self.warn(
                f"the feedback of the right answer (“{feedback}”) cannot be represented: numeric questions "
                "have only the explanation here; not imported"
            )


def _moodle_type(body: str, items: list[_Item]) -> str:
    """The question type, decided as Moodle's reader decides it."""
    if body == "numeric":
        return "numerical"
    if not items:
        return "essay"
    if any(i.mark == "~" for i in items):
        return "multichoice"
    if any(i.mark == "=" and "->" in i.text for i in items):
        return "matching"
    if len(items) == 1 and not items[0].mark and items[0].text.strip() in TRUE_FALSE:
        return "truefalse"
    return "shortanswer"


def read(text: str) -> Bank:
    """Parse GIFT text. Syntax errors land in ``bank.errors`` (with line numbers) and mean that
    nothing should be imported; unsupported kinds in ``bank.skipped``; approximations in
    ``bank.warnings``."""
    bank = Bank()
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    category = ""
    taken: set[str] = set()
    for block in _blocks(text):
        source = "\n".join(block.lines).strip("\n")
        block.line += next(i for i, line in enumerate(block.lines) if line.strip())
        if source.lstrip().startswith("$CATEGORY:"):
            category = source.lstrip()[len("$CATEGORY:") :].strip()
            continue
        try:
            tree = _parser.parse(source)
        except UnexpectedInput as error:
            line = block.line + (error.line - 1 if error.line and error.line > 0 else 0)
            bank.errors.append(f"line {line}: {_explain(error, source)}")
            continue
        except LarkError as error:  # pragma: no cover - a grammar fault, not the file's
            bank.errors.append(f"line {block.line}: the question cannot be read ({error})")
            continue
        found = _Question(block, tree, source, moodle.category_pool(category), taken, bank).read()
        if found is not None:
            bank.questions.append(found)
    return bank


def _explain(error: UnexpectedInput, source: str) -> str:
    char = source[error.pos_in_stream] if error.pos_in_stream is not None and error.pos_in_stream < len(source) else ""
    if char == "}" or "RBRACE" in str(getattr(error, "token", "")):
        return "a closing brace } without its opening brace (write \\} for the character)"
    if char == "{":
        return "a second opening brace { in one question (write \\{ for the character)"
    if getattr(error, "token", None) is not None and error.token.type == "$END":
        return "the answers' opening brace { is never closed"
    context = error.get_context(source, 30).splitlines()[0].strip() if source else ""
    return f"unexpected “{char or 'end of question'}” near “{context}”"


# --- writing ---------------------------------------------------------------------------------------


def write(questions: list[BankQuestion], *, filename: str = "questions.gift.txt", notes: tuple = ()) -> Export:
    """GIFT text for ``questions`` (Moodle's import reads it). Questions with a pool go under a
    ``$CATEGORY:`` line naming it (the pool is a category path below Moodle's top category). The
    file starts with the list of what it approximates (``notes``: more such lines)."""
    out: list[str] = []
    approximations: list[str] = []
    current = None
    for question in by_category(questions):
        wanted = question.category
        if wanted and wanted != current:
            out.append(f"$CATEGORY: $course$/top/{wanted}\n")
            current = wanted
        out.append(_write_question(question, approximations))
    approximations += notes
    header = [f"// {line}" for line in moodle.header(approximations)]
    return Export("\n".join(header + [""] + out), filename, CONTENT_TYPE, approximations)


def _markdown(text: str) -> str:
    return "[markdown]" + escape(text.strip()) if text.strip() else ""


def _write_question(original: BankQuestion, approximations: list[str]) -> str:
    question, metadata, notes = moodle.outgoing(original, native=set())
    approximations += notes
    lines = [f"// question: {question.key}  kind: {original.kind}", *[f"// approximated: {note}" for note in notes]]
    if metadata:
        lines.append("// " + moodle.metadata_text(metadata))
    head = f"::{escape(question.key)}::{_markdown(question.prompt)}"
    general = f"\t####{_markdown(question.explanation)}\n" if question.explanation.strip() else ""
    kind = question.kind
    if kind in ("single", "multiple"):
        body = []
        for choice, weight in zip(question.choices, moodle.weights(question), strict=True):
            # Single choice: "=" right, "~" wrong. Multiple: every answer weighted, as our rule grades it.
            mark = f"~%{moodle.percent(weight)}%" if kind == "multiple" else ("=" if weight == moodle.ONE else "~")
            feedback = f"#{escape(choice.feedback)}" if choice.feedback else ""
            body.append(f"\t{mark}{escape(choice.text)}{feedback}\n")
        answers = "{\n" + "".join(body) + general + "}"
    elif kind == "true_false":
        correct = next(c for c in question.choices if c.correct)
        wrong = next(c for c in question.choices if not c.correct)
        answer = "TRUE" if correct.text.strip().lower() == "true" else "FALSE"
        # "#wrong#right": the feedback of the wrong choice first, then the right one's.
        feedback = ""
        if wrong.feedback or correct.feedback:
            feedback = f"#{escape(wrong.feedback)}" + (f"#{escape(correct.feedback)}" if correct.feedback else "")
        answers = "{" + answer + feedback + (general.strip("\n") if general else "") + "}"
    elif kind == "short_text":
        body = [
            f"\t=%{moodle.percent(moodle.ONE if c.correct else moodle.ZERO)}%{escape(c.text)}"
            + (f"#{escape(c.feedback)}" if c.feedback else "")
            + "\n"
            for c in question.choices
        ]
        answers = "{\n" + "".join(body) + general + "}"
    elif kind == "numeric":
        value = format(question.answer.normalize(), "f") if question.answer is not None else "0"
        tolerance = format((question.tolerance or moodle.ZERO).normalize(), "f")
        answers = "{#\n\t=%100%" + f"{value}:{tolerance}\n" + general + "}"
    elif kind == "matching":
        for choice in question.choices:
            if "->" in choice.text:
                approximations.append(
                    f"{question.key} (matching): the item “{choice.text}” contains “->”, which GIFT reads as the "
                    "pair's arrow; Moodle will split it there"
                )
        body = [f"\t={escape(c.text)} -> {escape(c.match)}\n" for c in question.choices]
        answers = "{\n" + "".join(body) + general + "}"
    else:
        raise ValueError(f"no GIFT form for {kind}")
    return "\n".join(lines) + "\n" + head + answers + "\n"
