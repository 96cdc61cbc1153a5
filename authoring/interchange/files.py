"""Question bank files as they arrive and leave: format detection, limits, and exporting quizzes.
Used by the admin and the management commands alike."""

from django.utils.text import slugify

from authoring.interchange import gift, moodle_xml
from authoring.interchange.bank import Bank, Export
from authoring.interchange.store import bank_questions
from quizzes.models import Quiz

MAX_BYTES = 2 * 1024 * 1024
FORMATS = {"gift": gift, "moodle_xml": moodle_xml}


class BankFileError(ValueError):
    """The file cannot be read as a question bank; the message says why."""


def detect_format(name: str, raw: bytes) -> str:
    """ "moodle_xml" for .xml files or content that starts with "<", "gift" otherwise."""
    lowered = name.lower()
    if lowered.endswith(".xml"):
        return "moodle_xml"
    if lowered.endswith((".gift", ".txt")):
        return "gift"
    return "moodle_xml" if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "gift"


def read_bank(name: str, raw: bytes, file_format: str | None = None) -> tuple[str, Bank]:
    """(the format, what the file holds). Raises BankFileError for a file that is not a bank."""
    if len(raw) > MAX_BYTES:
        raise BankFileError(f"{name} is {len(raw) / 1024 / 1024:.1f} MB; a question file may be at most 2 MB.")
    if not raw.strip():
        raise BankFileError(f"{name} is empty.")
    if b"\x00" in raw:
        raise BankFileError(f"{name} is a binary file, not GIFT or Moodle XML.")
    file_format = file_format or detect_format(name, raw)
    if file_format not in FORMATS:
        raise BankFileError(f"Unknown format “{file_format}”: use gift or moodle_xml.")
    if file_format == "moodle_xml":
        return file_format, moodle_xml.read(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BankFileError(f"{name} is not UTF-8 text (line {line}); GIFT files are UTF-8.") from None
    return file_format, gift.read(text)


def export_quizzes(quizzes: list[Quiz], file_format: str) -> Export:
    """One file with the questions of ``quizzes``. With several quizzes, each becomes a Moodle
    category (named after the quiz) so that they stay apart in Moodle and come back as pools."""
    writer = FORMATS[file_format]
    questions = []
    for quiz in quizzes:
        for question in bank_questions(quiz):
            question.folder = quiz.title if len(quizzes) > 1 else ""
            questions.append(question)
    stem = slugify(quizzes[0].title) if len(quizzes) == 1 else "quizzes"
    suffix = ".gift.txt" if file_format == "gift" else ".moodle.xml"
    notes = tuple(
        f"“{quiz.title}” draws {pool.draw_count} question(s) from the pool “{pool.title or pool.key}”: a bank file "
        "holds questions, not draws (in Moodle, add a random question from that category to the quiz)"
        for quiz in quizzes
        for pool in quiz.drawn_pools()
    )
    return writer.write(questions, filename=f"{stem or 'quiz'}{suffix}", notes=notes)
