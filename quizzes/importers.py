"""quiz.yaml in a module folder (the module quiz: pools, draws, questions, choices, keyed by stable
keys) and misconceptions.yaml at the top of the content folder (the tags wrong choices carry)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from courses.importers import (
    ContentError,
    Curriculum,
    ImportContext,
    ModuleData,
    Untranslated,
    check_columns,
    check_fields,
    give,
    line_of,
    read_text,
    read_yaml,
    require,
    require_mapping,
    require_slug,
    translated_text,
)
from courses.models import Lesson, Module
from devopslearn.lib import translated
from devopslearn.lib.numbers import plain_number
from quizzes.models import (
    MAX_ARTIFACT_LINES,
    MAX_LINE_LENGTH,
    PLACEHOLDER,
    ArtifactLanguage,
    Choice,
    Misconception,
    Pool,
    Question,
    QuestionKind,
    Quiz,
    ResponseChoice,
    artifact_lines,
    line_key,
    missing_placeholders,
    variant_values,
)
from quizzes.validation import check_question

KINDS = {kind.value for kind in QuestionKind}
LANGUAGES = {language.value for language in ArtifactLanguage}
# The file holds what the row imports, its questions, and its pools and draws.
QUIZ_FIELDS = (*Quiz.IMPORT_FIELDS, "questions", "pools", "draw")
QUESTION_FIELDS = (
    "key",
    "kind",
    "points",
    "prompt",
    "explanation",
    "choices",
    "answer",
    "tolerance",
    "unit",
    "published",
    "pool",
    "scenario",
    "artifact",
    "artifact_language",
    "select",
    "lines",
    "variants",
)
FAULTY_LINE_ONLY = ("artifact", "artifact_language", "select", "lines")
CHOICE_FIELDS = ("key", "text", "correct", "feedback", "match", "misconception")
LINE_FIELDS = ("line", "correct", "feedback", "misconception")
POOL_FIELDS = ("key", "title", "lesson")
TRANSLATED_POOL_FIELDS = ("key", "title")
DRAW_FIELDS = ("pool", "count")
VARIANT_FIELDS = ("values", "answer", "tolerance")
TRANSLATED_QUIZ_FIELDS = ("title", "pools", "questions")
TRANSLATED_QUESTION_FIELDS = ("key", "prompt", "explanation", "unit", "choices", "lines", "accept")
TRANSLATED_CHOICE_FIELDS = ("key", "text", "feedback", "match")
TAG = re.compile(r"^[a-z0-9-]{1,60}$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class ChoiceData:
    key: str
    values: dict
    misconception: str = ""  # a tag of misconceptions.yaml


@dataclass
class QuestionData:
    key: str
    values: dict
    choices: list[ChoiceData] = field(default_factory=list)
    pool: str = ""


@dataclass
class PoolData:
    key: str
    values: dict  # title, draw_count, order
    lesson: str = ""  # the key of the module's lesson that teaches the pool's topic


@dataclass
class QuizData:
    path: Path
    values: dict
    questions: list[QuestionData]
    pools: list[PoolData] = field(default_factory=list)
    # (tag, line) of every misconception a choice names: misconceptions.yaml must define each.
    misconceptions: list[tuple[str, int]] = field(default_factory=list)
    module: str = ""  # the module's slug, for the report


def _decimal(path: Path, data: dict, key: str, line: int) -> Decimal | None:
    """A number of a YAML file (YAML's own notation: a dot for decimals, no thousands separator)."""
    if data.get(key) is None:
        return None
    value = data[key]
    try:
        value = Decimal(str(value)) if not isinstance(value, bool) else Decimal("NaN")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ContentError(path, line, f"'{key}' must be a number (YAML writes 1.5 and 2400)")
    return value


def _list(path: Path, text: str, data: dict, key: str, line: int) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContentError(path, line, f"'{key}' must be a list")
    return value


def _line_of_entry(text: str, needle: str, occurrence: int, default: int, *, after: str) -> int:
    """The line of the ``occurrence``-th (1-based) line containing ``needle`` after the line with ``after``."""
    start = line_of(text, after, 0)
    found = [n for n, line in enumerate(text.splitlines(), start=1) if n >= start and needle in line]
    return found[occurrence - 1] if len(found) >= occurrence else default


def _positive_int(path: Path, line: int, value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ContentError(path, line, f"{what} must be a whole number of 1 or more")
    return value


class QuizFileLoader:
    filename = "quiz.yaml"

    def parse(self, path: Path, module: ModuleData) -> QuizData:
        text = read_text(path)
        data = require_mapping(path, read_yaml(path, text), "quiz.yaml")
        check_fields(path, text, data, QUIZ_FIELDS, "quiz.yaml")
        optional_int = (int, type(None))
        values = {
            "title": require(path, text, data, "title"),
            "pass_mark": require(path, text, data, "pass_mark", int, 70),
            "shuffle_questions": require(path, text, data, "shuffle_questions", bool, False),
            "shuffle_choices": require(path, text, data, "shuffle_choices", bool, True),
            "max_attempts": require(path, text, data, "max_attempts", optional_int, None),
            "time_limit_minutes": require(path, text, data, "time_limit_minutes", optional_int, None),
            "published": require(path, text, data, "published", bool, True),
        }
        check_columns(path, text, Quiz, {"title": values["title"]})
        if not 0 <= values["pass_mark"] <= 100:
            raise ContentError(path, line_of(text, "pass_mark"), "pass_mark is a percentage from 0 to 100")
        questions = data.get("questions")
        if not isinstance(questions, list) or not questions:
            raise ContentError(path, line_of(text, "questions"), "a quiz needs a list of questions")
        quiz = QuizData(path=path, values=values, questions=[], module=module.slug)
        seen: set[str] = set()
        for order, raw in enumerate(questions, start=1):
            raw = require_mapping(path, raw, f"question {order}")
            key = require_slug(path, text, raw, "key")
            check_fields(path, text, raw, QUESTION_FIELDS, f"question '{key}'")
            if key in seen:
                raise ContentError(path, line_of(text, f"key: {key}"), f"duplicate question key '{key}'")
            seen.add(key)
            quiz.questions.append(self._question(path, text, raw, key, order, quiz))
        self._pools(path, text, data, quiz, {lesson.key for lesson in module.lessons})
        return quiz

    def _question(self, path: Path, text: str, raw: dict, key: str, order: int, quiz: QuizData) -> QuestionData:
        where = f"key: {key}"
        here = line_of(text, where)

        def line(needle: str) -> int:
            return line_of(text, needle, here, after=where)

        kind = raw.get("kind")
        if kind not in KINDS:
            raise ContentError(path, here, f"question '{key}': kind must be one of {', '.join(sorted(KINDS))}")
        pool = raw.get("pool")
        if pool is not None and (not isinstance(pool, str) or not re.match(r"^[-a-zA-Z0-9_]{1,60}$", pool)):
            raise ContentError(path, line("pool:"), f"question '{key}': 'pool' must be letters, digits, - and _ only")
        scenario = raw.get("scenario", False)
        if not isinstance(scenario, bool):
            raise ContentError(path, line("scenario:"), f"question '{key}': 'scenario' must be true or false")
        published = raw.get("published", True)
        if not isinstance(published, bool):
            raise ContentError(path, line("published:"), f"question '{key}': 'published' must be true or false")
        question = QuestionData(
            key=key,
            pool=pool or "",
            values={
                "kind": kind,
                "prompt_md": str(raw.get("prompt") or "").strip(),
                "explanation_md": str(raw.get("explanation") or "").strip(),
                "points": _decimal(path, raw, "points", line("points:")) or Decimal(1),
                "order": order,
                "numeric_answer": _decimal(path, raw, "answer", line("answer:")),
                "tolerance": _decimal(path, raw, "tolerance", line("tolerance:")),
                "unit": str(raw.get("unit") or ""),
                "published": published,
                "scenario": scenario,
                "artifact": "",
                "artifact_language": "",
                "select_count": 1,
                "variants": [],
                "accepted_answers": [],  # the translations' accept lists (translate)
            },
        )
        check_columns(path, text, Question, {"unit": question.values["unit"]})
        if not question.values["prompt_md"]:
            raise ContentError(path, here, f"question '{key}' has no prompt")
        if not question.values["explanation_md"]:
            raise ContentError(path, here, f"question '{key}' has no explanation")
        if kind == QuestionKind.FAULTY_LINE:
            if raw.get("choices"):
                raise ContentError(
                    path, line("choices:"), f"question '{key}': a faulty_line question lists 'lines', not 'choices'"
                )
            self._faulty_line(path, text, raw, question, line, quiz)
        else:
            for name in FAULTY_LINE_ONLY:
                if name in raw:
                    raise ContentError(
                        path, line(f"{name}:"), f"question '{key}': '{name}' belongs to faulty_line questions only"
                    )
            self._choices(path, text, raw, question, line, quiz)
        if "variants" in raw:
            self._variants(path, text, raw, question, line)
        problems = check_question(
            kind,
            [choice.values for choice in question.choices],
            numeric_answer=question.values["numeric_answer"],
            tolerance=question.values["tolerance"],
            select_count=question.values["select_count"],
        )
        if problems:
            raise ContentError(path, here, f"question '{key}': {problems[0]}")
        return question

    def _misconception(self, path: Path, tag, line: int, key: str, quiz: QuizData) -> str:
        if tag is None:
            return ""
        if not isinstance(tag, str) or not TAG.match(tag):
            raise ContentError(
                path,
                line,
                f"question '{key}': a misconception is a tag of lowercase letters, digits and -, at most 60 characters",
            )
        quiz.misconceptions.append((tag, line))
        return tag

    def _choices(self, path: Path, text: str, raw: dict, question: QuestionData, line, quiz: QuizData) -> None:
        key = question.key
        choice_keys: set[str] = set()
        for position, choice in enumerate(_list(path, text, raw, "choices", line("choices:")), start=1):
            choice = require_mapping(path, choice, f"a choice of question '{key}'")
            choice_key = require_slug(path, text, choice, "key")
            check_fields(path, text, choice, CHOICE_FIELDS, f"a choice of question '{key}'")
            if choice_key in choice_keys:
                raise ContentError(
                    path, line(f"key: {choice_key}"), f"question '{key}': duplicate choice key '{choice_key}'"
                )
            choice_keys.add(choice_key)
            values = {
                "text": str(choice.get("text", "")).strip(),
                "is_correct": bool(choice.get("correct", False)),
                "feedback": str(choice.get("feedback") or "").strip(),
                "order": position,
                "match_text": str(choice.get("match") or "").strip(),
            }
            check_columns(path, text, Choice, values)
            tag_line = line_of(text, "misconception:", line(f"key: {choice_key}"), after=f"key: {choice_key}")
            tag = self._misconception(path, choice.get("misconception"), tag_line, key, quiz)
            if tag and values["is_correct"]:
                raise ContentError(path, tag_line, f"question '{key}': only a wrong choice carries a misconception")
            question.choices.append(ChoiceData(choice_key, values, tag))

    def _faulty_line(self, path: Path, text: str, raw: dict, question: QuestionData, line, quiz: QuizData) -> None:
        key = question.key
        artifact = raw.get("artifact")
        if not isinstance(artifact, str) or not artifact.strip():
            raise ContentError(path, line("artifact:"), f"question '{key}': a faulty_line question needs an 'artifact'")
        lines = artifact_lines(artifact)
        if len(lines) > MAX_ARTIFACT_LINES:
            raise ContentError(
                path,
                line("artifact:"),
                f"question '{key}': the artifact has {len(lines)} lines; the limit is {MAX_ARTIFACT_LINES}",
            )
        for number, content in enumerate(lines, start=1):
            if len(content) > MAX_LINE_LENGTH:
                raise ContentError(
                    path,
                    line("artifact:") + number,
                    f"question '{key}': line {number} of the artifact is {len(content)} characters long; "
                    f"the limit is {MAX_LINE_LENGTH}",
                )
        language = raw.get("artifact_language", "")
        if language and language not in LANGUAGES:
            raise ContentError(
                path,
                line("artifact_language:"),
                f"question '{key}': artifact_language must be one of {', '.join(sorted(LANGUAGES))}",
            )
        select = _positive_int(path, line("select:"), raw.get("select", 1), f"question '{key}': 'select'")
        if select > len(lines):
            raise ContentError(
                path, line("select:"), f"question '{key}': 'select' is {select} but the artifact has {len(lines)} lines"
            )
        listed: dict[int, dict] = {}
        tags: dict[int, str] = {}
        numbers_seen: list = []
        for entry in _list(path, text, raw, "lines", line("lines:")):
            entry = require_mapping(path, entry, f"a line of question '{key}'")
            check_fields(path, text, entry, LINE_FIELDS, f"a line of question '{key}'")
            number = entry.get("line")
            numbers_seen.append(number)  # the n-th "line: 6" of the question is this entry's line in the file
            occurrence = numbers_seen.count(number)
            entry_line = _line_of_entry(text, f"line: {number}", occurrence, line("lines:"), after=f"key: {key}")
            _positive_int(path, entry_line, number, f"question '{key}': 'line'")
            if number > len(lines):
                raise ContentError(
                    path,
                    entry_line,
                    f"question '{key}': line {number} is not in the artifact (it has {len(lines)} lines)",
                )
            if number in listed:
                raise ContentError(path, entry_line, f"question '{key}': line {number} is listed twice")
            correct = entry.get("correct", False)
            if not isinstance(correct, bool):
                raise ContentError(path, entry_line, f"question '{key}': 'correct' must be true or false")
            listed[number] = {"is_correct": correct, "feedback": str(entry.get("feedback") or "").strip()}
            tag_line = line_of(text, "misconception:", entry_line, after=f"line: {number}")
            tags[number] = self._misconception(path, entry.get("misconception"), tag_line, key, quiz)
            if tags[number] and correct:
                raise ContentError(path, tag_line, f"question '{key}': only a wrong line carries a misconception")
        question.values.update(artifact=artifact.rstrip(), artifact_language=language or "", select_count=select)
        for number, content in enumerate(lines, start=1):
            given = listed.get(number, {})
            values = {
                "text": content,
                "is_correct": given.get("is_correct", False),
                "feedback": given.get("feedback", ""),
                "order": number,
                "match_text": "",
            }
            question.choices.append(ChoiceData(line_key(number), values, tags.get(number, "")))

    def _variants(self, path: Path, text: str, raw: dict, question: QuestionData, line) -> None:
        key, values = question.key, question.values
        here = line("variants:")
        if values["kind"] != QuestionKind.NUMERIC:
            raise ContentError(path, here, f"question '{key}': only numeric questions have variants")
        if "answer" in raw or "tolerance" in raw:
            raise ContentError(
                path, here, f"question '{key}': give 'answer' and 'tolerance' in each variant, not beside 'variants'"
            )
        variants = _list(path, text, raw, "variants", here)
        if not variants:
            raise ContentError(path, here, f"question '{key}': 'variants' needs at least one variant")
        stored = []
        for number, variant in enumerate(variants, start=1):
            variant = require_mapping(path, variant, f"variant {number} of question '{key}'")
            check_fields(path, text, variant, VARIANT_FIELDS, f"variant {number} of question '{key}'")
            names = variant.get("values") or {}
            if not isinstance(names, dict) or not all(
                isinstance(name, str)
                and NAME.match(name)
                and isinstance(v, str | int | float)
                and not isinstance(v, bool)
                for name, v in names.items()
            ):
                raise ContentError(
                    path,
                    here,
                    f"question '{key}': variant {number}: 'values' maps names (letters, digits, _) to numbers or text",
                )
            answer = _decimal(path, variant, "answer", here)
            if answer is None:
                raise ContentError(path, here, f"question '{key}': variant {number} needs an 'answer'")
            tolerance = _decimal(path, variant, "tolerance", here) or Decimal(0)
            if tolerance < 0:
                raise ContentError(path, here, f"question '{key}': variant {number}: 'tolerance' cannot be negative")
            entry = {"values": names, "answer": plain_number(answer), "tolerance": plain_number(tolerance)}
            given = variant_values(entry)
            for field_name, source in (("prompt", values["prompt_md"]), ("explanation", values["explanation_md"])):
                for name in missing_placeholders(source, given):
                    raise ContentError(
                        path,
                        line_of(text, "{" + name + "}", here, after=f"key: {key}"),
                        f"question '{key}': the {field_name} uses {{{name}}} but variant {number} gives it no value",
                    )
            stored.append(entry)
        values["variants"] = stored
        values["numeric_answer"] = Decimal(stored[0]["answer"])
        values["tolerance"] = Decimal(stored[0]["tolerance"])

    def _pools(self, path: Path, text: str, data: dict, quiz: QuizData, lessons: set[str]) -> None:
        """The quiz's pools (titles and the lessons that teach them) and draws (slots): the rules of
        SCHEMA in the module README."""
        pools: dict[str, PoolData] = {}

        def pool(key: str) -> PoolData:
            if key not in pools:
                pools[key] = PoolData(key, {"title": "", "draw_count": None, "order": len(pools) + 1})
            return pools[key]

        listed: dict[str, int] = {}
        for entry in _list(path, text, data, "pools", line_of(text, "pools:")):
            entry = require_mapping(path, entry, "a pool")
            check_fields(path, text, entry, POOL_FIELDS, "a pool of pools")
            key = require_slug(path, text, entry, "key")
            where = _line_of_entry(text, f"key: {key}", 1 + (key in listed), 1, after="pools:")
            if key in listed:
                raise ContentError(path, where, f"pool '{key}' is listed twice in pools")
            listed[key] = where
            pool(key).values["title"] = str(entry.get("title") or "").strip()
            check_columns(path, text, Pool, {"title": pools[key].values["title"]})
            lesson = entry.get("lesson")
            if lesson is not None and (not isinstance(lesson, str) or lesson not in lessons):
                raise ContentError(
                    path,
                    line_of(text, "lesson:", where, after=f"key: {key}"),
                    f"pool '{key}': no lesson '{lesson}' in this module (name the key of one of its lessons)",
                )
            pools[key].lesson = lesson or ""
        drawn: dict[str, int] = {}
        for entry in _list(path, text, data, "draw", line_of(text, "draw:")):
            entry = require_mapping(path, entry, "a draw")
            check_fields(path, text, entry, DRAW_FIELDS, "a draw")
            key = require_slug(path, text, entry, "pool")
            where = _line_of_entry(text, f"pool: {key}", 1 + (key in drawn), 1, after="draw:")
            if key in drawn:
                raise ContentError(path, where, f"pool '{key}' is drawn twice; give it one count")
            drawn[key] = where
            pool(key).values["draw_count"] = _positive_int(
                path, where, entry.get("count"), f"draw of pool '{key}': 'count'"
            )
        # Drawn pools come first, in the order of `draw` (the slots of an attempt).
        for order, key in enumerate([*drawn, *(k for k in pools if k not in drawn)], start=1):
            pools[key].values["order"] = order
        published: dict[str, int] = {}
        for question in quiz.questions:
            where = line_of(text, f"key: {question.key}")
            if drawn and not question.pool:
                raise ContentError(
                    path, where, f"question '{question.key}' names no pool, but the quiz draws its questions from pools"
                )
            if drawn and question.pool not in drawn:
                raise ContentError(
                    path, where, f"question '{question.key}' is in pool '{question.pool}', which 'draw' does not use"
                )
            if question.pool:
                pool(question.pool)
                published[question.pool] = published.get(question.pool, 0) + question.values["published"]
        for key, where in drawn.items():
            count, available = pools[key].values["draw_count"], published.get(key, 0)
            if available < count:
                raise ContentError(
                    path, where, f"pool '{key}' has {available} published questions; it cannot draw {count}"
                )
        for key, where in listed.items():
            if not any(question.pool == key for question in quiz.questions):
                raise ContentError(path, where, f"pool '{key}' is listed in pools but no question is in it")
        quiz.pools = list(pools.values())

    def translate(self, parsed: QuizData, path: Path, language: str) -> list[Untranslated]:
        """The quiz's translation (fixtures/content/<language>/<module>/quiz.yaml): its title, its
        pools' titles, and each question's prompt, explanation, unit, choices' texts, feedback and
        matches, a faulty line's feedback, and a short-text question's further accepted answers, by
        the English keys. Everything else comes from the English file."""
        where = parsed.module
        if not path.exists():
            return [Untranslated("questions", f"question '{where}/{q.key}'") for q in parsed.questions]
        text = read_text(path)
        data = require_mapping(path, read_yaml(path, text) or {}, "quiz.yaml")
        check_fields(path, text, data, TRANSLATED_QUIZ_FIELDS, "a translated quiz.yaml")
        give(parsed.values, "title", language, translated_text(path, text, data, "title"))
        check_columns(path, text, Quiz, {"title": parsed.values.get(translated.localized("title", language), "")})
        pools = {pool.key: pool for pool in parsed.pools}
        for entry in _list(path, text, data, "pools", line_of(text, "pools:")):
            entry = require_mapping(path, entry, "a pool")
            check_fields(path, text, entry, TRANSLATED_POOL_FIELDS, "a translated pool")
            key = str(entry.get("key", ""))
            if key not in pools:
                raise ContentError(
                    path, line_of(text, f"key: {key}", after="pools:"), f"pool '{key}' is not in the English quiz"
                )
            give(pools[key].values, "title", language, translated_text(path, text, entry, "title"))
            pool_title = pools[key].values.get(translated.localized("title", language), "")
            check_columns(path, text, Pool, {"title": pool_title})
        questions = {question.key: question for question in parsed.questions}
        seen: set[str] = set()
        missing: list[Untranslated] = []
        for raw in _list(path, text, data, "questions", line_of(text, "questions:")):
            raw = require_mapping(path, raw, "a translated question")
            key = str(raw.get("key", ""))
            here = line_of(text, f"key: {key}", after="questions:")
            if key not in questions:
                raise ContentError(path, here, f"question '{key}' is not in the English quiz")
            if key in seen:
                raise ContentError(path, here, f"question '{key}' is translated twice")
            seen.add(key)
            check_fields(path, text, raw, TRANSLATED_QUESTION_FIELDS, f"translated question '{key}'")
            missing += self._translate_question(path, text, raw, questions[key], here, language, where)
        missing += [Untranslated("questions", f"question '{where}/{key}'") for key in questions if key not in seen]
        return missing

    def _translate_question(self, path, text, raw, question: QuestionData, here, language, where) -> list:
        key, values = question.key, question.values

        def line(needle: str) -> int:
            return line_of(text, needle, here, after=f"key: {key}")

        for name, field_name in (("prompt", "prompt_md"), ("explanation", "explanation_md")):
            given = translated_text(path, text, raw, name)
            english = set(PLACEHOLDER.findall(values[field_name]))
            if given and values["variants"] and set(PLACEHOLDER.findall(given)) != english:
                raise ContentError(
                    path,
                    line(f"{name}:"),
                    f"question '{key}': the {name} must keep the English placeholders "
                    f"{', '.join('{' + n + '}' for n in sorted(english)) or '(none)'} as they are",
                )
            give(values, field_name, language, given)
        give(values, "unit", language, translated_text(path, text, raw, "unit"))
        # a translation's column is as long as the English one: refused here with its line, not by the database
        unit = values.get(translated.localized("unit", language)) or ""
        limit = Question._meta.get_field("unit").max_length
        if len(unit) > limit:
            raise ContentError(
                path, line("unit:"), f"question '{key}': 'unit' is {len(unit)} characters long; the limit is {limit}"
            )
        accept = raw.get("accept")
        if accept is not None:
            if values["kind"] != QuestionKind.SHORT_TEXT:
                raise ContentError(
                    path, line("accept:"), f"question '{key}': 'accept' is for short_text questions only"
                )
            if not isinstance(accept, list) or not all(isinstance(a, str | int | float) for a in accept):
                raise ContentError(path, line("accept:"), f"question '{key}': 'accept' must be a list of answers")
            values["accepted_answers"] = [
                *values["accepted_answers"],
                *(str(answer).strip() for answer in accept if str(answer).strip()),
            ]
        choices = {choice.key: choice for choice in question.choices}
        for entry in _list(path, text, raw, "choices", line("choices:")):
            entry = require_mapping(path, entry, f"a translated choice of question '{key}'")
            choice_key = str(entry.get("key", ""))
            if choice_key not in choices or values["kind"] == QuestionKind.FAULTY_LINE:
                raise ContentError(
                    path,
                    line(f"key: {choice_key}"),
                    f"question '{key}': choice '{choice_key}' is not in the English question",
                )
            check_fields(path, text, entry, TRANSLATED_CHOICE_FIELDS, f"a translated choice of question '{key}'")
            for name, field_name in (("text", "text"), ("feedback", "feedback"), ("match", "match_text")):
                value = translated_text(path, text, entry, name)
                give(choices[choice_key].values, field_name, language, value)
            check_columns(
                path,
                text,
                Choice,
                {
                    name: choices[choice_key].values.get(translated.localized(name, language), "")
                    for name in ("text", "match_text")
                },
            )
        for entry in _list(path, text, raw, "lines", line("lines:")):
            entry = require_mapping(path, entry, f"a translated line of question '{key}'")
            check_fields(path, text, entry, ("line", "feedback"), f"a translated line of question '{key}'")
            number = entry.get("line")
            choice = choices.get(line_key(number)) if isinstance(number, int) else None
            if values["kind"] != QuestionKind.FAULTY_LINE or choice is None:
                raise ContentError(
                    path, line(f"line: {number}"), f"question '{key}': line {number} is not in the English artifact"
                )
            give(choice.values, "feedback", language, translated_text(path, text, entry, "feedback"))
        missing = []
        if not values.get(translated.localized("prompt_md", language)):
            missing.append(Untranslated("questions", f"question '{where}/{key}'"))
        if values["kind"] not in (QuestionKind.SHORT_TEXT, QuestionKind.FAULTY_LINE):
            missing += [
                Untranslated("choices", f"choice '{where}/{key}/{choice.key}'")
                for choice in question.choices
                if not choice.values.get(translated.localized("text", language))
            ]
        return missing

    def apply(self, parsed: QuizData, module: Module, context: ImportContext) -> None:
        quiz, outcome = context.sync(
            Quiz.objects.filter(module=module, key="module").first(),
            lambda: Quiz(module=module, key="module"),
            parsed.values,
            f"quiz of '{module.slug}'",
        )
        pools, leftover_pools = self._apply_pools(parsed, quiz, module, context)
        tags = {choice.misconception for question in parsed.questions for choice in question.choices}
        misconceptions = Misconception.objects.in_bulk([tag for tag in tags if tag], field_name="tag")
        existing = {q.key: q for q in Question.objects.filter(quiz=quiz).prefetch_related("choices")}
        for data in parsed.questions:
            question, outcome = context.sync(
                existing.get(data.key),
                lambda data=data: Question(quiz=quiz, key=data.key),
                {**data.values, "pool_id": pools[data.pool].pk if data.pool else None},
                f"question '{module.slug}/{data.key}'",
            )
            if outcome == "skipped":
                continue
            choices = {c.key: c for c in question.choices.all()} if data.key in existing else {}
            for choice in data.choices:
                tag = misconceptions.get(choice.misconception)
                context.sync(
                    choices.pop(choice.key, None),
                    lambda question=question, choice_key=choice.key: Choice(question=question, key=choice_key),
                    {**choice.values, "misconception_id": tag.pk if tag else None},
                    f"choice '{module.slug}/{data.key}/{choice.key}'",
                )
            for leftover in choices.values():
                if ResponseChoice.objects.filter(choice=leftover).exists():
                    context.notes.append(
                        f"choice '{module.slug}/{data.key}/{leftover.key}' is no longer in the file but learners "
                        "picked it; it was kept"
                    )
                else:
                    leftover.delete()
        for leftover in leftover_pools:  # pools no longer in the file, unless made or changed in the admin
            if not leftover.edited_since_import or context.overwrite:
                if leftover.questions.exists():
                    leftover.draw_count = None
                    leftover.save(update_fields=["draw_count"])
                    context.notes.append(f"pool '{module.slug}/{leftover.key}' is no longer drawn from")
                else:
                    leftover.delete()

    def _apply_pools(self, parsed: QuizData, quiz: Quiz, module: Module, context: ImportContext):
        """The file's pools, created or updated: ({key: pool}, [pools the file no longer names])."""
        existing = {pool.key: pool for pool in Pool.objects.filter(quiz=quiz)}
        lessons = dict(Lesson.objects.filter(module=module).values_list("key", "pk"))
        pools = {}
        for data in parsed.pools:
            pools[data.key], _outcome = context.sync(
                existing.pop(data.key, None),
                lambda key=data.key: Pool(quiz=quiz, key=key),
                {**data.values, "lesson_id": lessons.get(data.lesson)},
                f"pool '{module.slug}/{data.key}'",
            )
        return pools, list(existing.values())


class MisconceptionFileLoader:
    """misconceptions.yaml: a flat map of tag -> one-line description, shared by all modules."""

    filename = "misconceptions.yaml"

    def parse(self, path: Path, curriculum: Curriculum) -> dict[str, dict]:
        defined: dict[str, dict] = {}
        text = ""
        if path.exists():
            text = read_text(path)
            data = read_yaml(path, text) or {}
            data = require_mapping(path, data, "misconceptions.yaml")
            for tag, description in data.items():
                where = line_of(text, f"{tag}:")
                if not isinstance(tag, str) or not TAG.match(tag):
                    raise ContentError(
                        path, where, f"'{tag}': a tag is lowercase letters, digits and -, at most 60 characters"
                    )
                if not isinstance(description, str) or not description.strip() or "\n" in description.strip():
                    raise ContentError(path, where, f"'{tag}' needs a one-line description (plain text)")
                check_columns(path, text, Misconception, {"description": description.strip()})
                defined[tag] = {"description": description.strip()}
        used: set[str] = set()
        for module in curriculum.modules:
            quiz = module.extras.get(QuizFileLoader.filename)
            for tag, line in quiz.misconceptions if quiz else []:
                if tag not in defined:
                    raise ContentError(
                        quiz.path, line, f"misconception '{tag}' is not defined in {self.filename} (add it there)"
                    )
                used.add(tag)
        curriculum.warnings += [
            f"{path}:{line_of(text, f'{tag}:')}: misconception '{tag}' is not used by any choice"
            for tag in defined
            if tag not in used
        ]
        return defined

    def translate(self, parsed: dict[str, dict], path: Path, language: str) -> list[Untranslated]:
        """misconceptions.yaml of a translation: the same tags, each with its description translated."""
        given: dict = {}
        if path.exists():
            text = read_text(path)
            given = require_mapping(path, read_yaml(path, text) or {}, "misconceptions.yaml")
            for tag, description in given.items():
                if tag not in parsed:
                    raise ContentError(path, line_of(text, f"{tag}:"), f"'{tag}' is not a tag of the English file")
                if not isinstance(description, str) or "\n" in description.strip():
                    raise ContentError(path, line_of(text, f"{tag}:"), f"'{tag}' needs a one-line description")
                give(parsed[tag], "description", language, description.strip())
        return [Untranslated("misconceptions", f"misconception '{tag}'") for tag in parsed if not given.get(tag)]

    def apply(self, parsed: dict[str, dict], context: ImportContext) -> None:
        existing = Misconception.objects.in_bulk(list(parsed), field_name="tag")
        for tag, values in parsed.items():
            context.sync(
                existing.get(tag),
                lambda tag=tag: Misconception(tag=tag),
                values,
                f"misconception '{tag}'",
            )
