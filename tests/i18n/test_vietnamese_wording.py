"""The Vietnamese words stay consistent: a percentage is written "90 %" with a no-break space, as
devopslearn/lib/numbers.py writes one, in the interface catalog and in the Vietnamese curriculum
(code aside); a course module is a "học phần" everywhere; a lab's pass mark has its percent sign."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from devopslearn.lib.numbers import percentage_text
from labs.models import Lab

NBSP = "\u00a0"
CATALOG = settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
CONTENT = settings.BASE_DIR / "fixtures" / "content" / "vi"
# A number, a closing bracket or a placeholder, then a percent sign without the no-break space (a
# python-format placeholder "%(name)s" and an escaped "%%" are not percentages).
UNSPACED_PERCENT = re.compile(r"[\d)}](?: ?)%(?![(%\w])")
INLINE_CODE = re.compile(r"`[^`\n]*`")


def catalog_translations() -> list[tuple[str, str]]:
    with CATALOG.open("rb") as source:
        catalog = read_po(source)
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        found += [(str(message.id), text) for text in strings if text]
    return found


def prose_lines(path: Path):
    """(line number, text) of a content file outside fenced code blocks, inline code removed."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            yield number, INLINE_CODE.sub("", line)


def content_files() -> list[Path]:
    return sorted(p for p in CONTENT.rglob("*") if p.suffix in (".md", ".yaml"))


def test_the_code_writes_a_vietnamese_percentage_with_a_no_break_space():
    with translation.override("vi"):
        assert percentage_text(90) == f"90{NBSP}%"


def test_the_catalog_writes_every_percentage_as_the_code_does():
    unspaced = [(msgid, text) for msgid, text in catalog_translations() if UNSPACED_PERCENT.search(text)]
    assert unspaced == []


def test_the_vietnamese_curriculum_writes_every_percentage_as_the_code_does():
    unspaced = [
        f"{path.relative_to(CONTENT)}:{number}: {line.strip()[:80]}"
        for path in content_files()
        for number, line in prose_lines(path)
        if not line.lstrip().startswith("#") and UNSPACED_PERCENT.search(line)
    ]
    assert unspaced == []


# "module" as a software word, not a course unit: Terraform and Go modules, a Python settings module.
TECHNICAL_MODULE = re.compile(
    r"module Terraform|Go modules|module cache|SETTINGS_MODULE|Nested stack, module|một module mà", re.I
)


def test_a_course_module_is_a_hoc_phan_in_the_catalog():
    english_word = [
        (msgid, text)
        for msgid, text in catalog_translations()
        if re.search(r"\bmodules?\b|mô[- ]?đun", re.sub(r"%\(\w+\)s", "", text), re.I)
    ]
    assert english_word == []


def test_a_course_module_is_a_hoc_phan_in_the_vietnamese_curriculum():
    english_word = [
        f"{path.relative_to(CONTENT)}:{number}: {line.strip()[:80]}"
        for path in content_files()
        for number, line in prose_lines(path)
        if not line.lstrip().startswith("#")
        and re.search(r"\bmodules?\b|mô[- ]?đun", TECHNICAL_MODULE.sub("", line), re.I)
    ]
    assert english_word == []


@pytest.mark.parametrize(("language", "shown"), [("vi", f"điểm đạt 80{NBSP}%"), ("en", "pass mark 80%")])
def test_a_labs_pass_mark_is_shown_with_its_percent_sign(client, learner, curriculum, language, shown):
    learner.language = language
    learner.save(update_fields=["language"])
    client.force_login(learner)
    lab = Lab.objects.get(key="dockerfile-hardening")
    assert lab.pass_mark == 80
    page = client.get(lab.get_absolute_url()).text
    assert shown in page
