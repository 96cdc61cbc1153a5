"""A read report (``read.Source``) becomes a ``Draft``: lessons, event facts, a glossary and
generated questions. Pure functions over text; ``save`` writes the draft.

- Lessons: one per second-level heading (``##``), its deeper parts as the lesson's sections; where a
  report has no ``##``, one per ``###``. Text before the first of them becomes an "Introduction"
  lesson; the key terms a "Key terms" lesson at the end.
- Facts: the event date the body states ("Date:", "Ngày tổ chức:"), else the front matter's (an R
  Markdown expression such as `` `r Sys.Date()` `` is an unknown date); the place; the speakers.
- Glossary: bold terms (with the description that follows "**Term:**") and the first column of
  tables.
- Questions, marked "generated, needs review" when saved: a tool-to-purpose table becomes a
  matching question; a "Term: description" list single-choice questions (the other descriptions
  are the distractors); a numbered flow (Source -> Build -> Test, or a numbered "Flow:" list) an
  ordering question.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.text import slugify

from authoring.interchange import moodle
from authoring.interchange.bank import BankChoice, BankQuestion
from authoring.interchange.moodle import NotRepresentable
from authoring.reports.read import FENCE, ReportError, Source

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d+[.)])[ \t]+(?P<text>.*)$")
NUMBERED = re.compile(r"^(?P<indent>[ \t]*)\d+[.)][ \t]+(?P<text>\S.*)$")
TERM_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?:[-*+]|\d+[.)])[ \t]+"
    r"(?:\*\*(?P<bold>[^*]+?)\*\*[ \t]*(?P<colon>:?)|(?P<plain>[^:*`|\[\]\n]{2,60}?)[ \t]*(?P<pcolon>:))"
    r"[ \t]*(?P<desc>.*)$"
)
BOLD_DASH_ITEM = re.compile(r"^(?P<indent>)\*\*-[ \t]*(?P<bold>[^*]+?)\*\*[ \t]*(?P<colon>:?)[ \t]*(?P<desc>.*)$")
BOLD = re.compile(r"\*\*(?P<term>[^*\n]+?)\*\*(?P<after>[ \t]*:?)")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
ARROWS = re.compile(r"\s*(?:→|->|⇒|=>|⟶)\s*")
IN_PARENS = re.compile(r"\(([^()]*(?:→|->|⇒|=>|⟶)[^()]*)\)")
R_EXPRESSION = re.compile(r"`r\s")

FACT_LABELS = {
    "date": {"date", "event date", "ngày tổ chức", "ngày", "ngày diễn ra"},
    "place": {"location", "place", "venue", "address", "địa điểm"},
    "time": {"time", "thời gian"},
    "event": {"event name", "event", "tên sự kiện"},
    "organizer": {"organized by", "organised by", "organizer", "organiser", "host", "tổ chức bởi"},
    "speakers": {"speakers", "speaker", "diễn giả"},
}
NOT_TERMS = set().union(*FACT_LABELS.values()) | {
    "note",
    "lưu ý",
    "demo",
    "pros",
    "cons",
    "how it works",
    "example",
    "examples",
    "use case",
    "use cases",
    "key insight",
    "result",
    "problem",
    "solution",
    "started",
    "topics",
    "next steps",
    "event objective",
    "event objectives",
    "warning",
    "tip",
    "info",
}
SPEAKER_HEADINGS = {"speakers", "speaker", "diễn giả", "người trình bày", "speakers & panelists"}
TOOL_HEADERS = re.compile(r"^(tools?|services?|aws services?|products?|công cụ|dịch vụ|công nghệ|tool ?/ ?service)$")
FLOW_WORDS = re.compile(
    r"flow|steps?\b|process|workflow|pipeline|stages?\b|sequence|how it works|quy trình|các bước|luồng", re.I
)
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MAX_TERM_QUESTIONS = 30


@dataclass
class DraftLesson:
    key: str
    title: str
    body: str
    line: int


@dataclass
class Facts:
    event: str = ""
    event_date: date | None = None
    date_source: str = ""
    time: str = ""
    place: str = ""
    organizer: str = ""
    speakers: list[str] = field(default_factory=list)


@dataclass
class Term:
    term: str
    description: str
    line: int


@dataclass
class Draft:
    title: str
    lessons: list[DraftLesson]
    facts: Facts
    glossary: list[Term]
    questions: list[BankQuestion]
    notes: list[str]

    def source_note(self, name: str) -> str:
        """Speakers, date and place: the module's source note (its summary), in plain text."""
        facts = self.facts
        parts = [facts.event or self.title]
        parts.append(facts.event_date.strftime("%-d %B %Y") if facts.event_date else "date unknown")
        if facts.time:
            parts.append(facts.time)
        if facts.place:
            parts.append(facts.place)
        note = f"Draft made from the workshop report “{name}”: " + "; ".join(parts) + "."
        if facts.speakers:
            note += " Speakers: " + ", ".join(facts.speakers) + "."
        if facts.organizer:
            note += f" Organised by {facts.organizer}."
        return note


@dataclass
class _Line:
    number: int
    text: str
    code: bool
    language: str = ""


def plain(text: str) -> str:
    """Inline markdown as words: no emphasis markers, entities decoded, spaces collapsed."""
    text = html.unescape(text).replace("**", "").replace("__", "").replace("`", "")
    # Emphasis by one * or _: the inside stops at the next marker, so a long line is read in one pass.
    text = re.sub(r"(?<![\w*_])[*_]([^\s*_](?:[^*_\n]*[^\s*_])?)[*_](?![\w*_])", r"\1", text)
    text = re.sub(r"\[([^\[\]\n]{0,500})\]\([^()\s\[\]]{0,2048}\)", r"\1", text)  # a link's words
    return " ".join(text.split()).strip()


def clean_title(text: str) -> str:
    return plain(text).strip().rstrip(":.").strip() or "Untitled"


def unique_key(text: str, taken: set[str], fallback: str, limit: int = 80) -> str:
    base = slugify(text.replace("đ", "d").replace("Đ", "D"))[:limit].strip("-") or fallback
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def _lines(source: Source) -> list[_Line]:
    lines, fenced, language = [], False, ""
    for offset, text in enumerate(source.body.split("\n")):
        fence = FENCE.match(text)
        if fence:
            language = "" if fenced else text.strip()[3:].strip().lower()
            lines.append(_Line(source.body_line + offset, text, True, language))
            fenced = not fenced
            continue
        lines.append(_Line(source.body_line + offset, text, fenced, language if fenced else ""))
    return lines


def _heading(line: _Line) -> tuple[int, str] | None:
    if line.code:
        return None
    match = HEADING.match(line.text)
    return (len(match.group(1)), match.group(2)) if match else None


# --- lessons ------------------------------------------------------------------------------------


def _trim(lines: list[str]) -> list[str]:
    while lines and (not lines[0].strip() or RULE.match(lines[0])):
        lines = lines[1:]
    while lines and (not lines[-1].strip() or RULE.match(lines[-1])):
        lines = lines[:-1]
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line.rstrip())
    return out


def for_renderer(text: str) -> str:
    """Reports are written for Hugo, which reads CommonMark; the one renderer here is Python-Markdown,
    which needs a blank line before a list or a table and four spaces for each level of a nested
    list. Rewrites just that, outside code blocks."""
    out: list[str] = []
    levels: list[int] = []  # the indents of the open list levels
    previous = "blank"
    fenced = False
    for line in text.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            out.append(line)
            previous = "code"
            continue
        if fenced:
            out.append(line)
            continue
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip())
        item = LIST_ITEM.match(expanded)
        if item and expanded.strip() and not RULE.match(expanded):
            while levels and indent < levels[-1]:
                levels.pop()
            if not levels or indent > levels[-1]:
                levels.append(indent)
            if previous == "text":
                out.append("")
            out.append(" " * (4 * (len(levels) - 1)) + expanded.lstrip())
            previous = "list"
        elif not expanded.strip():
            out.append("")
            previous = "blank" if previous != "list" else "list-blank"
        elif levels and indent > 0 and previous in ("list", "list-blank"):
            out.append(" " * (4 * len(levels)) + expanded.lstrip())  # a list item's own text, continued
        else:
            levels = []
            if expanded.lstrip().startswith("|") and previous == "text":
                out.append("")
            out.append(line)
            previous = "table" if expanded.lstrip().startswith("|") else "text"
    return "\n".join(out)


def _body(lines: list[_Line], lesson_level: int) -> str:
    """A lesson's text with its parts as sections: the lesson title is the page's heading, so its
    parts start at ``##`` (a stray ``#`` inside a lesson is a part too)."""
    out = []
    for line in lines:
        heading = _heading(line)
        if heading is None:
            out.append(line.text)
            continue
        level, text = heading
        new_level = max(2, level - lesson_level + 1) if level > lesson_level else 2
        out.append("#" * min(new_level, 6) + " " + clean_title(text))
    return for_renderer("\n".join(_trim(out)))


def _lessons(name: str, lines: list[_Line], title_index: int | None, notes: list[str]) -> list[DraftLesson]:
    headings = [(i, *h) for i, line in enumerate(lines) if i != title_index and (h := _heading(line))]
    levels = {level for _i, level, _text in headings}
    if 2 in levels:
        lesson_level = 2
    elif 3 in levels:
        lesson_level = 3
    else:
        raise ReportError(
            f"{name} has no ## or ### headings: a draft makes one lesson per ## heading (or per ### heading "
            "where there is no ##), so the report needs them."
        )
    starts = [i for i, level, _text in headings if level == lesson_level]
    taken: set[str] = {"introduction", "key-terms"}
    lessons = []
    preamble = [line for i, line in enumerate(lines[: starts[0]]) if i != title_index]
    intro = _body(preamble, lesson_level)
    if re.search(r"\w", intro):
        lessons.append(DraftLesson("introduction", "Introduction", intro, preamble[0].number if preamble else 1))
        notes.append("the text before the first lesson heading became an “Introduction” lesson")
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = clean_title(_heading(lines[start])[1])[:200]
        body = _body(lines[start + 1 : end], lesson_level)
        if not re.search(r"\w", body):
            notes.append(f"line {lines[start].number}: “{title}” has no text (after dropping its images); no lesson")
            continue
        lessons.append(DraftLesson(unique_key(title, taken, "lesson"), title, body, lines[start].number))
    return lessons


# --- facts --------------------------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """A date written in a report: ISO, English ("Monday, November 17, 2025", "17 Nov 2025"),
    Vietnamese ("17 tháng 11 năm 2025") or day/month/year ("17/11/2025"); None otherwise."""
    text = plain(text).lower()
    try:
        if match := re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := re.search(r"(\d{1,2})\s+tháng\s+(\d{1,2}),?\s+năm\s+(\d{4})", text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        months = "|".join(sorted(MONTHS, key=len, reverse=True))
        if match := re.search(rf"\b({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", text):
            return date(int(match[3]), MONTHS[match[1]], int(match[2]))
        if match := re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({months})\.?,?\s+(\d{{4}})", text):
            return date(int(match[3]), MONTHS[match[2]], int(match[1]))
        if match := re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", text):
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def _label(line: str) -> tuple[str, str] | None:
    text = plain(re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)).lstrip("- ")
    label, colon, value = text.partition(":")
    if not colon or not value.strip() or len(label) > 40:
        return None
    return label.strip().casefold(), value.strip()


def _speaker_names(lines: list[_Line]) -> list[str]:
    names = []
    for line in lines:
        if line.code or TABLE_SEPARATOR.match(line.text):
            continue
        text = line.text.strip()
        if text.startswith("|"):
            cells = _cells(text)
            if cells and cells[0] and not re.search(r"name|tên|speaker|diễn giả", cells[0], re.I):
                names.append(plain(cells[0]))
            continue
        item = LIST_ITEM.match(line.text)
        if item:
            bold = BOLD.search(item.group("text"))
            name = bold.group("term") if bold else re.split(r"\s+[–—-]\s+|,", item.group("text"))[0]
            names.append(plain(name))
    return [name for name in dict.fromkeys(names) if name]


def _facts(source: Source, lines: list[_Line], notes: list[str]) -> Facts:
    facts = Facts()
    body_date = ""
    for line in lines:
        if line.code or _heading(line):
            continue
        found = _label(line.text)
        if not found:
            continue
        label, value = found
        for fact, labels in FACT_LABELS.items():
            if label not in labels:
                continue
            if fact == "date" and not body_date:
                body_date = value
                facts.event_date = parse_date(value)
                facts.date_source = f"line {line.number}"
                if facts.event_date is None:
                    notes.append(f"line {line.number}: the date “{value}” was not understood")
            elif fact == "speakers" and not facts.speakers:
                facts.speakers = [name.strip() for name in value.split(",") if name.strip()]
            elif fact not in ("date", "speakers") and not getattr(facts, fact):
                setattr(facts, fact, value.rstrip("."))
    if facts.event_date is None:
        facts.event_date, facts.date_source = _front_matter_date(source, notes)
    if not facts.speakers:
        for i, line in enumerate(lines):
            heading = _heading(line)
            if heading and clean_title(heading[1]).casefold() in SPEAKER_HEADINGS:
                end = next((j for j in range(i + 1, len(lines)) if _heading(lines[j])), len(lines))
                facts.speakers = _speaker_names(lines[i + 1 : end])
                break
    return facts


def _front_matter_date(source: Source, notes: list[str]) -> tuple[date | None, str]:
    value = source.meta.get("date")
    if value is None or value == "":
        return None, ""
    if isinstance(value, datetime):
        return value.date(), "front matter"
    if isinstance(value, date):
        return value, "front matter"
    text = str(value)
    if R_EXPRESSION.search(text):
        notes.append(f"the front matter's date {text} is an R Markdown expression, not a date: the date is unknown")
        return None, ""
    parsed = parse_date(text)
    if parsed is None:
        notes.append(f"the front matter's date “{text}” was not understood: the date is unknown")
    return parsed, "front matter" if parsed else ""


# --- tables, glossary -----------------------------------------------------------------------------


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


@dataclass
class _Table:
    header: list[str]
    rows: list[list[str]]
    line: int
    context: str


def _tables(lines: list[_Line]) -> list[_Table]:
    tables, context, i = [], "", 0
    while i < len(lines):
        line = lines[i]
        heading = _heading(line)
        if heading:
            context = clean_title(heading[1])
        if (
            not line.code
            and line.text.strip().startswith("|")
            and i + 1 < len(lines)
            and TABLE_SEPARATOR.match(lines[i + 1].text)
        ):
            header = [plain(c) for c in _cells(line.text)]
            rows, j = [], i + 2
            while j < len(lines) and lines[j].text.strip().startswith("|") and not lines[j].code:
                rows.append([plain(c) for c in _cells(lines[j].text)])
                j += 1
            tables.append(_Table(header, rows, line.number, context))
            i = j
            continue
        i += 1
    return tables


def _is_term(term: str) -> bool:
    words = term.split()
    return (
        bool(re.search(r"[^\W\d_]", term))
        and "," not in term
        and len(term) <= 60
        and len(words) <= 8
        and term.casefold() not in NOT_TERMS
        and not re.fullmatch(r"[\d:.\s–—-]+(am|pm)?[\d:.\s–—-]*(am|pm)?", term.casefold())
    )


def _glossary(lines: list[_Line], tables: list[_Table], runs: list["_TermRun"], exclude: set[str]) -> list[Term]:
    """Bold terms, the terms of "Term: description" lists and the first column of tables (not
    the speakers' names, not text inside callouts), with a description where the report gives one."""
    found: dict[str, Term] = {}

    def add(term: str, description: str, line: int) -> None:
        term = term.strip().strip("-").strip().rstrip(":;,.").strip()
        if not _is_term(term) or term.casefold() in exclude:
            return
        key = term.casefold()
        if key not in found:
            found[key] = Term(term, description, line)
        elif description and not found[key].description:
            found[key].description = description

    for line in lines:
        if line.code or _heading(line) or line.text.strip().startswith(("|", ">")):
            continue
        for match in BOLD.finditer(line.text):
            term = match.group("term")
            label = term.rstrip().endswith(":") or ":" in match.group("after")
            description = plain(line.text[match.end() :]) if label else ""
            if label and not description:
                continue  # "**Best Practices:**" heading a list is a label, not a term
            add(plain(term), description, line.number)
    for run in runs:
        for term, description, line in run.items:
            add(term, description, line)
    for table in tables:
        if _speaker_table(table) or not table.rows:
            continue
        for row in table.rows:
            if row and row[0]:
                add(row[0], row[1] if len(row) > 1 else "", table.line)
    return sorted(found.values(), key=lambda t: t.term.casefold())


def _speaker_table(table: _Table) -> bool:
    return bool(table.header) and bool(re.search(r"speaker|diễn giả", " ".join(table.header), re.I))


def glossary_markdown(terms: list[Term]) -> str:
    return "\n".join(f"- **{t.term}**" + (f": {t.description}" if t.description else "") for t in terms)


# --- generated questions ---------------------------------------------------------------------------


def _matching_from_tables(tables: list[_Table], taken: set[str], notes: list[str]) -> list[BankQuestion]:
    questions = []
    for table in tables:
        if len(table.header) < 2 or not TOOL_HEADERS.match(table.header[0].casefold()):
            continue
        pairs, items, purposes = [], set(), set()
        for row in table.rows:
            if len(row) < 2 or not row[0] or not row[1]:
                continue
            if row[0].casefold() in items or row[1].casefold() in purposes:
                notes.append(f"line {table.line}: the row “{row[0]}” repeats a tool or a purpose; not matched")
                continue
            items.add(row[0].casefold())
            purposes.add(row[1].casefold())
            pairs.append((row[0], row[1]))
        question = BankQuestion(
            key=unique_key(f"match-{table.context or 'tools'}", taken, "match"),
            kind="matching",
            prompt=f"Match each tool from the report's table “{table.context}” with what it is used for.",
            explanation="From the report:\n\n" + "\n".join(f"- **{a}**: {b}" for a, b in pairs),
            points=moodle.ONE * 2,
            choices=[BankChoice(a, False, "", b) for a, b in pairs],
            line=table.line,
            origin=f"the table under “{table.context}” (line {table.line})",
        )
        questions += _checked(question, notes)
    return questions


@dataclass
class _TermRun:
    indent: int
    context: str
    items: list[tuple[str, str, int]] = field(default_factory=list)


def _term_runs(lines: list[_Line]) -> list[_TermRun]:
    runs: list[_TermRun] = []
    open_runs: dict[int, _TermRun] = {}
    context = ""

    def close(min_indent: int) -> None:
        for indent in [i for i in open_runs if i >= min_indent]:
            runs.append(open_runs.pop(indent))

    for line in lines:
        if line.code:
            continue
        heading = _heading(line)
        if heading:
            close(0)
            context = clean_title(heading[1])
            continue
        if not line.text.strip():
            continue
        match = TERM_ITEM.match(line.text) or BOLD_DASH_ITEM.match(line.text)
        listish = match or LIST_ITEM.match(line.text) or line.text.lstrip().startswith("**-")
        indent = len(line.text) - len(line.text.lstrip())
        if not listish:
            close(0 if indent == 0 else indent)
            continue
        close(indent + 1)
        if not match or not match.group("desc").strip():
            continue
        term = plain(match.group("bold") or match.group("plain") or "").rstrip(":").strip()
        groups = match.groupdict()
        colon = groups.get("colon") or groups.get("pcolon") or (groups.get("bold") or "").rstrip().endswith(":")
        if not colon or not _is_term(term) or match.group("desc").startswith("//"):
            continue
        run = open_runs.setdefault(indent, _TermRun(indent, context))
        run.items.append((term, plain(match.group("desc")), line.number))
    close(0)
    return runs


def _single_from_terms(runs: list[_TermRun], taken: set[str], notes: list[str]) -> list[BankQuestion]:
    questions: list[BankQuestion] = []
    dropped = 0
    for run in runs:
        items = list({term.casefold(): (term, desc, n) for term, desc, n in reversed(run.items)}.values())[::-1]
        descriptions = {desc.casefold() for _t, desc, _n in items}
        if len(items) < 3 or len(descriptions) < len(items):
            continue
        for position, (term, description, number) in enumerate(items):
            if len(questions) >= MAX_TERM_QUESTIONS:
                dropped += 1
                continue
            others = [items[(position + k) % len(items)][1] for k in range(1, min(4, len(items)))]
            question = BankQuestion(
                key=unique_key(f"term-{term}", taken, "term"),
                kind="single",
                prompt=f"According to the report, which description fits **{term}**?",
                explanation=f"**{term}**: {description}\n\n(From the list under “{run.context}”.)",
                choices=[BankChoice(description, True)] + [BankChoice(other) for other in others],
                line=number,
                origin=f"the list under “{run.context}” (line {number})",
            )
            questions += _checked(question, notes)
    if dropped:
        notes.append(
            f"{dropped} more “Term: description” items were not made into questions (at most "
            f"{MAX_TERM_QUESTIONS} a report)"
        )
    return questions


def _steps(text: str) -> tuple[str, list[str]]:
    """The steps of an arrow chain, and the label written before it on the line ("" if none)."""
    label = ""
    inner = IN_PARENS.search(text)
    if inner:
        label = text[: inner.start()]
        text = inner.group(1)
    else:
        first_arrow = ARROWS.search(text)
        label, colon, rest = text.partition(":")
        if colon and first_arrow and len(label) < first_arrow.start():
            text = rest
        else:
            label = ""
    steps = [plain(step).strip(" .;,").strip() for step in ARROWS.split(plain(text))]
    return _label_text(label), steps


def _label_text(text: str) -> str:
    return plain(re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text)).strip(" -*:").strip()


def _flow_label(lines: list[_Line], index: int, context: str) -> str:
    for line in reversed(lines[max(0, index - 3) : index]):
        if FENCE.match(line.text) or not line.text.strip():
            continue
        text = _label_text(line.text) if plain(line.text).endswith(":") else ""
        if text and len(text) <= 80:
            return text
        break
    return context


def _ordering_from_flows(lines: list[_Line], taken: set[str], notes: list[str]) -> list[BankQuestion]:
    flows: list[tuple[str, list[str], int]] = []
    context = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _heading(line)
        if heading:
            context = clean_title(heading[1])
        if line.code and line.language not in ("", "text", "txt", "plain"):
            i += 1
            continue
        if len(ARROWS.findall(line.text)) >= 2:
            label, steps = _steps(line.text)
            if not label or len(label) > 80:
                label = _flow_label(lines, i, context) if line.code else context
            flows.append((label, steps, line.number))
        numbered = NUMBERED.match(line.text) if not line.code else None
        if numbered:
            indent = numbered.group("indent")
            items, j = [], i
            while j < len(lines):
                candidate = NUMBERED.match(lines[j].text)
                if candidate and candidate.group("indent") == indent and not lines[j].code:
                    bold = BOLD.match(candidate.group("text"))
                    items.append(plain(bold.group("term") if bold else candidate.group("text")).rstrip(":."))
                elif lines[j].text.strip() and len(lines[j].text) - len(lines[j].text.lstrip()) <= len(indent):
                    break
                j += 1
            label = _flow_label(lines, i, context)
            if FLOW_WORDS.search(label) and 3 <= len(items) <= 10 and all(len(s) <= 200 for s in items):
                flows.append((label, items, line.number))
            i = max(j, i + 1)
            continue
        i += 1
    questions, seen = [], set()
    for label, steps, number in flows:
        signature = tuple(s.casefold() for s in steps)
        if not 3 <= len(steps) <= 10 or len(set(signature)) < len(steps) or signature in seen:
            continue
        seen.add(signature)
        question = BankQuestion(
            key=unique_key(f"order-{label}", taken, "order"),
            kind="ordering",
            prompt=f"Put the steps of “{label}” in order, first to last.",
            explanation="In the report: " + " → ".join(steps) + ".",
            points=moodle.ONE * 2,
            choices=[BankChoice(step) for step in steps],
            line=number,
            origin=f"the flow “{label}” (line {number})",
        )
        questions += _checked(question, notes)
    return questions


def _checked(question: BankQuestion, notes: list[str]) -> list[BankQuestion]:
    try:
        return [moodle.finish(question)]
    except NotRepresentable as problem:
        notes.append(f"line {question.line}: no {question.kind} question from it: {problem}")
        return []


# --- the draft ------------------------------------------------------------------------------------


def build_draft(source: Source) -> Draft:
    """Everything a draft module needs, from a read report. Raises ReportError when the report has
    no headings to make lessons from."""
    notes = list(source.notes)
    lines = _lines(source)
    first = next((i for i, line in enumerate(lines) if _heading(line)), None)
    title_index = first if first is not None and _heading(lines[first])[0] == 1 else None
    if title_index is not None:
        title = clean_title(_heading(lines[title_index])[1])
    else:
        title = clean_title(str(source.meta.get("title") or "")) if source.meta.get("title") else ""
        title = title or source.name.rsplit(".", 1)[0]
    lessons = _lessons(source.name, lines, title_index, notes)
    if not lessons:
        raise ReportError(f"{source.name} has headings but no text under them: there is nothing to make lessons of.")
    facts = _facts(source, lines, notes)
    tables = _tables(lines)
    runs = _term_runs(lines)
    glossary = _glossary(lines, tables, runs, {name.casefold() for name in facts.speakers})
    taken: set[str] = set()
    questions = (
        _matching_from_tables(tables, taken, notes)
        + _ordering_from_flows(lines, taken, notes)
        + _single_from_terms(runs, taken, notes)
    )
    return Draft(title[:200], lessons, facts, glossary, questions, notes)
