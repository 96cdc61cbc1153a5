"""English writes a percentage without a space ("10%", as devopslearn/lib/numbers.py writes one in
English): in the English curriculum's prose (fixtures/content outside vi/; code has its own syntax), in the interface's
messages (the catalog's msgids) and in the staff messages that are not translated. Vietnamese keeps
"90 %" with a no-break space (tests/i18n/test_vietnamese_wording.py)."""

import re

from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from devopslearn.lib.numbers import percentage_text
from tests.i18n.test_vietnamese_wording import prose_lines

ROOT = settings.BASE_DIR
# A number, a placeholder ({slo}, %(mark)s) or a closing bracket, then a space of any kind and a percent
# sign that does not open a python-format placeholder.
SPACED_PERCENT = re.compile(r"(?:\d|\}|%\(\w+\)[sd]|\))[ \u00a0\u202f]+%(?![(%\w])")


def english_content() -> list:
    content = ROOT / "fixtures" / "content"
    return sorted(
        p for p in content.rglob("*") if p.suffix in (".md", ".yaml") and "vi" not in p.relative_to(content).parts
    )


def test_the_code_writes_an_english_percentage_without_a_space():
    with translation.override("en"):
        assert percentage_text(10) == "10%"


def test_the_english_curriculum_writes_every_percentage_without_a_space():
    spaced = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r}"
        for path in english_content()
        for number, line in prose_lines(path)
        for match in SPACED_PERCENT.finditer(line)
    ]
    assert english_content() and spaced == []


def test_the_interfaces_english_messages_write_every_percentage_without_a_space():
    with (ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po").open("rb") as source:
        catalog = read_po(source)
    msgids = [
        text
        for message in catalog
        if message.id
        for text in (message.id if isinstance(message.id, tuple) else (message.id,))
    ]
    assert len(msgids) > 100
    assert [text for text in msgids if SPACED_PERCENT.search(text)] == []


def test_the_staff_messages_of_the_question_imports_write_percentages_without_a_space():
    source = (ROOT / "authoring" / "interchange" / "moodle.py").read_text(encoding="utf-8")
    assert SPACED_PERCENT.findall(source) == []
