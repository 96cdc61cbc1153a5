"""Moodle XML (``<quiz><question type="...">``): read with defusedxml, written with ElementTree.

What Moodle cannot hold (a faulty-line question, numeric variants, the scenario flag, misconception
tags) is exported in the nearest form with an ``approximated:`` comment, and restored on import from
a ``devopslearn:`` comment inside the question (``moodle.outgoing``/``moodle.incoming``).

Untrusted files are parsed by defusedxml, which refuses DTDs and entity declarations (the
"billion laughs" and external-entity attacks). The element names follow Moodle's own reader and
writer (``question/format/xml/format.php``) and the core ordering question type
(``question/type/ordering``: each ``<answer>``'s ``fraction`` is its position).
"""

import xml.etree.ElementTree as ET
from decimal import Decimal

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from authoring.interchange import moodle
from authoring.interchange.bank import Bank, BankChoice, BankQuestion, BankWarning, Export, Skipped, by_category
from authoring.interchange.moodle import MoodleAnswer, NotRepresentable

CONTENT_TYPE = "application/xml; charset=utf-8"
KIND_NAMES = {
    "essay": "essay questions need a person to grade them; DevOps Learn grades automatically",
    "cloze": "embedded answers (cloze) put several questions in one text; not supported here",
    "multianswer": "embedded answers (cloze) put several questions in one text; not supported here",
    "description": "a description (text without answers) is not a question here",
    "calculated": "calculated questions (formulas with wildcards) are not supported here",
    "calculatedsimple": "calculated questions (formulas with wildcards) are not supported here",
    "calculatedmulti": "calculated questions (formulas with wildcards) are not supported here",
    "random": "random questions are drawn by Moodle from a category; not supported here",
    "randomsamatch": "random short-answer matching is not supported here",
}


class _LineBuilder(ET.TreeBuilder):
    """Remembers the line each element starts on, to report questions by line."""

    def __init__(self):
        super().__init__(insert_comments=True)  # our metadata travels in a comment
        self.lines: dict = {}
        self.parser = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def _parse(content: bytes | str) -> tuple[ET.Element, dict]:
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    parser.feed(content)
    return parser.close(), builder.lines


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _format(element: ET.Element | None, default: str) -> str:
    return element.get("format", default) if element is not None else default


def _fraction(answer: ET.Element) -> Decimal:
    return moodle.number(answer.get("fraction", "0") or "0") / 100


class _Reader:
    def __init__(self, root: ET.Element, lines: dict, bank: Bank):
        self.root, self.lines, self.bank = root, lines, bank
        self.taken: set[str] = set()
        self.pool = ""

    def read(self) -> None:
        for element in self.root.findall("question"):
            kind = element.get("type", "")
            if kind == "category":
                self.pool = moodle.category_pool(_text(element.find("category")))
                continue
            self.question(element, kind)

    def question(self, element: ET.Element, kind: str) -> None:
        line = self.lines.get(element, 0)
        name = _text(element.find("name")) or " ".join(_text(element.find("questiontext")).split())[:60]
        name = name or f"question on line {line}"

        def warn(message: str) -> None:
            self.bank.warnings.append(BankWarning(name, line, message))

        reader = getattr(self, f"_{kind}", None)
        if reader is None:
            reason = KIND_NAMES.get(kind, "this question type is not supported here")
            self.bank.skipped.append(Skipped(name, kind or "unknown", line, reason))
            return
        text = element.find("questiontext")
        text_format = _format(text, "html")
        general = element.find("generalfeedback")
        question = BankQuestion(
            key=moodle.question_key(name, self.taken),
            kind="",
            prompt=moodle.to_markdown(_text(text), text_format),
            explanation=moodle.to_markdown(_text(general), _format(general, text_format)),
            pool=self.pool,
            line=line,
        )
        try:
            grade = _text(element, "defaultgrade") or _text(element, "defaultmark")
            if grade:
                question.points = moodle.number(grade).normalize()
                if question.points < 0:
                    raise NotRepresentable("the question's mark is negative")
            if element.findall(".//file"):
                warn("embedded files (images) are not imported")
            reader(element, question, text_format, warn)
            metadata = next(
                (found for child in element if child.tag is ET.Comment and (found := moodle.read_metadata(child.text))),
                None,
            )
            self.bank.questions.append(moodle.finish(moodle.incoming(question, metadata, warn)))
        except NotRepresentable as problem:
            self.bank.skipped.append(Skipped(name, kind, line, str(problem)))

    def _answers(self, element: ET.Element, text_format: str, *, plain_answers: bool) -> list[MoodleAnswer]:
        answers = []
        for answer in element.findall("answer"):
            answer_format = "plain_text" if plain_answers else _format(answer, text_format)
            feedback = answer.find("feedback")
            tolerance = _text(answer, "tolerance")
            answers.append(
                MoodleAnswer(
                    moodle.to_plain(_text(answer), answer_format),
                    _fraction(answer),
                    moodle.to_plain(_text(feedback), _format(feedback, text_format)),
                    moodle.number(tolerance) if tolerance else None,
                )
            )
        return answers

    def _multichoice(self, element, question, text_format, warn) -> None:
        single = (_text(element, "single") or "true").lower() not in ("false", "0")
        answers = self._answers(element, text_format, plain_answers=False)
        question.kind, question.choices = moodle.multichoice(answers, single=single, warn=warn)

    def _truefalse(self, element, question, text_format, warn) -> None:
        answers = {a.text.strip().lower(): a for a in self._answers(element, text_format, plain_answers=True)}
        if set(answers) != {"true", "false"}:
            raise NotRepresentable("a true/false question needs the answers “true” and “false”")
        correct = answers["true"].fraction >= moodle.ONE - moodle.SAME_WEIGHT
        question.kind = "true_false"
        question.choices = moodle.truefalse(correct, answers["true"].feedback, answers["false"].feedback)

    def _shortanswer(self, element, question, text_format, warn) -> None:
        answers = self._answers(element, text_format, plain_answers=True)
        case_sensitive = (_text(element, "usecase") or "0") not in ("0", "false")
        question.kind = "short_text"
        question.choices = moodle.shortanswer(answers, case_sensitive=case_sensitive, warn=warn)

    def _numerical(self, element, question, text_format, warn) -> None:
        answers = self._answers(element, text_format, plain_answers=True)
        question.kind = "numeric"
        question.answer, question.tolerance, feedback = moodle.numerical(answers, warn=warn)
        if feedback:
            warn(
                f"the feedback of the right answer (“{feedback}”) cannot be represented: numeric questions have "
                "only the explanation here; not imported"
            )
        units = element.findall("units/unit")
        for unit in units:
            multiplier = moodle.number(_text(unit, "multiplier") or "1")
            name = _text(unit, "unit_name")
            if multiplier == moodle.ONE and not question.unit:
                question.unit = name
            else:
                warn(f"the unit “{name}” (× {multiplier}) cannot be represented: one unit, shown beside the answer")

    def _matching(self, element, question, text_format, warn) -> None:
        pairs = []
        for sub in element.findall("subquestion"):
            item = moodle.to_plain(_text(sub), _format(sub, text_format))
            pairs.append((item, _text(sub.find("answer"))))
        question.kind = "matching"
        question.choices = moodle.matching(pairs, warn=warn)

    _match = _matching  # Moodle's internal name of the type, in older files

    def _ordering(self, element, question, text_format, warn) -> None:
        answers = element.findall("answer")
        positions = [(moodle.number(a.get("fraction", "0") or "0"), n) for n, a in enumerate(answers)]
        ordered = [answers[n] for _position, n in sorted(positions)]
        question.kind = "ordering"
        question.choices = [BankChoice(moodle.to_plain(_text(a), _format(a, text_format))) for a in ordered]
        select = (_text(element, "selecttype") or "ALL").upper()
        count = _text(element, "selectcount") or "0"
        if select != "ALL" and count not in ("0", str(len(answers))):
            warn("Moodle showed only some of the items; all of them are asked here")
        grading = (_text(element, "gradingtype") or "ABSOLUTE_POSITION").upper()
        if grading not in ("ABSOLUTE_POSITION", "0"):
            warn(f"Moodle graded it as {grading}; here each item in its right position earns its share")


def read(content: bytes | str) -> Bank:
    """Parse Moodle XML. A file that is not well-formed, or not a Moodle question file, is an
    error in ``bank.errors`` (nothing should be imported)."""
    bank = Bank()
    try:
        root, lines = _parse(content)
    except DefusedXmlException:
        bank.errors.append("the file declares a DTD or entities, which are refused for safety")
        return bank
    except ET.ParseError as error:
        line, _column = error.position
        bank.errors.append(f"line {line}: the XML is not well-formed ({str(error).split(':')[0]})")
        return bank
    if root.tag != "quiz":
        bank.errors.append(f"this is not a Moodle XML question file: its root element is <{root.tag}>, not <quiz>")
        return bank
    _Reader(root, lines, bank).read()
    return bank


# --- writing ---------------------------------------------------------------------------------------


def _add_text(parent: ET.Element, tag: str, text: str, text_format: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": text_format} if text_format else {})
    ET.SubElement(element, "text").text = text
    return element


def _add(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def write(questions: list[BankQuestion], *, filename: str = "questions.moodle.xml", notes: tuple = ()) -> Export:
    """Moodle XML for ``questions``. Kinds Moodle has no type for are written in the nearest form,
    with an XML comment, and listed in ``approximations`` and in a comment at the top of the file
    (with ``notes``: more such lines)."""
    root = ET.Element("quiz")
    approximations: list[str] = []
    current = None
    for question in by_category(questions):
        wanted = question.category
        if wanted and wanted != current:
            element = ET.SubElement(root, "question", {"type": "category"})
            _add_text(element, "category", f"$course$/top/{wanted}")
            current = wanted
        _write_question(root, question, approximations)
    approximations += notes
    root.insert(0, ET.Comment("\n  " + "\n  ".join(moodle.header(approximations)).replace("--", "- -") + "\n"))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return Export('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", filename, CONTENT_TYPE, approximations)


MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "true_false": "truefalse",
    "short_text": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "ordering": "ordering",
}


def _write_question(root: ET.Element, original: BankQuestion, approximations: list[str]) -> None:
    question, metadata, notes = moodle.outgoing(original, native={"points", "unit", "ordering"})
    approximations += notes
    for note in notes:
        root.append(ET.Comment(f" approximated: {note.replace('--', '- -')} "))
    kind = MOODLE_TYPES[question.kind]
    element = ET.SubElement(root, "question", {"type": kind})
    if metadata:
        element.append(ET.Comment(" " + moodle.metadata_text(metadata) + " "))
    _add_text(element, "name", question.key)
    _add_text(element, "questiontext", question.prompt.strip(), "markdown")
    _add_text(element, "generalfeedback", question.explanation.strip(), "markdown")
    _add(element, "defaultgrade", format(question.points.normalize(), "f"))
    _add(element, "penalty", "0")
    _add(element, "hidden", "0")
    _add(element, "idnumber", question.key)

    def answer(text: str, fraction: str, feedback: str = "", **children: str) -> ET.Element:
        node = ET.SubElement(element, "answer", {"fraction": fraction, "format": "plain_text"})
        ET.SubElement(node, "text").text = text
        for tag, value in children.items():
            _add(node, tag, value)
        _add_text(node, "feedback", feedback, "plain_text")
        return node

    if question.kind in ("single", "multiple"):
        lines = original.kind == "faulty_line"  # the artifact's lines keep their order
        _add(element, "single", "true" if question.kind == "single" else "false")
        _add(element, "shuffleanswers", "false" if lines else "true")
        _add(element, "answernumbering", "none" if lines else "abc")
        for choice, weight in zip(question.choices, moodle.weights(question), strict=True):
            answer(choice.text, moodle.percent(weight), choice.feedback)
    elif question.kind == "true_false":
        by_text = {c.text.strip().lower(): c for c in question.choices}
        for name in ("true", "false"):
            choice = by_text.get(name)
            answer(name, "100" if choice and choice.correct else "0", choice.feedback if choice else "")
    elif question.kind == "short_text":
        _add(element, "usecase", "0")
        for choice in question.choices:
            answer(choice.text, "100" if choice.correct else "0", choice.feedback)
    elif question.kind == "numeric":
        value = format(question.answer.normalize(), "f") if question.answer is not None else "0"
        answer(value, "100", tolerance=format((question.tolerance or moodle.ZERO).normalize(), "f"))
        if question.unit:
            units = ET.SubElement(element, "units")
            unit = ET.SubElement(units, "unit")
            _add(unit, "multiplier", "1")
            _add(unit, "unit_name", question.unit)
    elif question.kind == "matching":
        _add(element, "shuffleanswers", "true")
        for choice in question.choices:
            sub = _add_text(element, "subquestion", choice.text, "plain_text")
            match = ET.SubElement(sub, "answer")
            ET.SubElement(match, "text").text = choice.match
    elif question.kind == "ordering":
        _add(element, "layouttype", "VERTICAL")
        _add(element, "selecttype", "ALL")
        _add(element, "selectcount", "0")
        _add(element, "gradingtype", "ABSOLUTE_POSITION")
        _add(element, "showgrading", "SHOW")
        _add(element, "numberingstyle", "none")
        for position, choice in enumerate(question.choices, start=1):
            node = ET.SubElement(element, "answer", {"fraction": str(position), "format": "plain_text"})
            ET.SubElement(node, "text").text = choice.text
