"""Reading reports as they arrive: bad bytes, broken encodings, front matter, shortcodes, images, dates."""

from datetime import date
from pathlib import Path

import pytest

from authoring.reports.draft import build_draft, parse_date
from authoring.reports.read import ReportError, files_next_to, read_report, repair_encoding

SEEDS = Path(__file__).parent / "data" / "seeds"
VIETNAMESE = SEEDS / "002_5a0763850c97891e.txt"


def draft_of(text: str, name: str = "report.md", **kwargs):
    return build_draft(read_report(name, text.encode(), **kwargs))


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "is empty"),
        (b" \n\t\n", "is empty"),
        (b"# Title\n" + b"x" * (1024 * 1024), "at most 1 MB"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive"),
        (b"# Title\n\n## Part\n\x00\x01\x02binary", "binary file"),
        (b"# Title\n\n## Part\n" + bytes(range(1, 9)) * 40, "binary file"),
        (b"# Titre\n\n## Caf\xe9 cr\xe8me\n", "not UTF-8 text (line 3"),
    ],
)
def test_what_is_not_a_report_is_refused_with_a_clear_message(raw, words):
    with pytest.raises(ReportError, match=words.replace("(", r"\(")) as refused:
        read_report("upload.md", raw)
    assert "upload.md" in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        "Just a paragraph of notes, no headings at all.",
        "# Only a title\n\nAnd a paragraph.\n\n#### A fourth-level heading is not a lesson",
        "# Title\n\n```\n## not a heading: inside code\n```\n",
    ],
)
def test_a_report_without_lesson_headings_is_refused(text):
    with pytest.raises(ReportError, match="no ## or ### headings"):
        draft_of(text)


def test_a_report_with_only_empty_sections_is_refused():
    with pytest.raises(ReportError, match="no text under them"):
        draft_of("# T\n\n## Photos\n\n![](/a.jpg)\n\n## More\n\n---\n")


def test_a_utf16_file_with_its_byte_order_mark_is_read():
    source = read_report("w.md", "# Tiêu đề\n\n## Phần một\n\nNội dung.".encode("utf-16"))
    assert "Phần một" in source.body


# --- encodings ---------------------------------------------------------------------------------------


def test_the_vietnamese_seed_is_repaired_exactly_like_the_mac_roman_round_trip():
    raw = VIETNAMESE.read_bytes()
    damaged = raw.decode("utf-8")
    expected = damaged.encode("mac_roman").decode("utf-8")
    repaired, repair = repair_encoding(damaged)
    assert repaired == expected
    assert repair.encoding == "mac_roman"
    changed = [n for n, (a, b) in enumerate(zip(damaged.split("\n"), expected.split("\n"), strict=True), 1) if a != b]
    assert repair.lines == changed and len(changed) == 96


def test_the_repair_is_reported_and_vietnamese_stays_vietnamese():
    source = read_report(VIETNAMESE.name, VIETNAMESE.read_bytes())
    assert source.notes[0].startswith("The text was UTF-8 read as Mac OS Roman: 96 lines repaired (lines 11, 15,")
    assert "Bài Thu Hoạch" in source.body and "√" not in source.body and "·∫" not in source.body


@pytest.mark.parametrize(
    "text",
    [
        "# Bài Thu Hoạch\n\n## Thông Tin Cơ Bản\n\nĐịa điểm: Quận 1, TP. Hồ Chí Minh",  # correct Vietnamese
        "# Café crème\n\n## Résumé\n\nNaïve façade, 5 € — “quotes”, ½ ° ±",  # correct Latin text
        "# Emoji 🎯\n\n## ✅ Done\n\n🚀 ready",
    ],
)
def test_correct_utf8_is_left_as_it_is(text):
    repaired, repair = repair_encoding(text)
    assert repaired == text and repair is None


def test_windows_1252_damage_is_repaired_too():
    original = "# Résumé\n\n## Café\n\nNaïve"
    damaged = original.encode("utf-8").decode("cp1252")
    repaired, repair = repair_encoding(damaged)
    assert repaired == original and repair.encoding == "cp1252"


# --- front matter ------------------------------------------------------------------------------------


def test_yaml_front_matter():
    source = read_report("r.md", b'---\ntitle: "Event 4"\ndate: 2025-11-17\nweight: 4\n---\n# Report\n\n## Part\n')
    assert source.meta_format == "yaml" and source.meta["title"] == "Event 4"
    assert source.body.startswith("# Report") and source.body_line == 6


def test_toml_front_matter():
    source = read_report("r.md", b'+++\ntitle = "Event 4"\ndate = 2025-11-17\n+++\n# Report\n\n## Part\n')
    assert source.meta_format == "toml" and source.meta["date"] == date(2025, 11, 17)
    assert draft_of("+++\ntitle = 'T'\ndate = 2025-11-17\n+++\n## Part\n\nText").facts.event_date == date(2025, 11, 17)


def test_no_front_matter():
    source = read_report("r.md", b"# Report\n\n## Part\n\nText")
    assert source.meta == {} and source.meta_format == "" and source.body_line == 1


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"---\ntitle: [unclosed\n---\n## Part\n", "YAML front matter cannot be read"),
        (b"+++\ntitle = \n+++\n## Part\n", "TOML front matter cannot be read"),
        (b"---\n- a list\n---\n## Part\n", "key: value pairs"),
    ],
)
def test_broken_front_matter_is_refused(raw, words):
    with pytest.raises(ReportError, match=words):
        read_report("r.md", raw)


def test_the_front_matter_title_names_a_report_without_a_title_heading():
    assert draft_of('---\ntitle: "Event 9"\n---\n## Part\n\nText').title == "Event 9"
    assert draft_of("## Part\n\nText", name="my-report.md").title == "my-report"


# --- shortcodes and images -----------------------------------------------------------------------------


def test_notice_shortcodes_become_callouts():
    draft = draft_of(
        "# T\n\n## Part\n\n{{% notice warning %}}\nDo **not** copy this.\n{{% /notice %}}\n\n"
        '{{< notice info "Heads up" >}}\nInfo text.\n{{< /notice >}}\n'
    )
    body = draft.lessons[0].body
    assert "> **Warning**\n>\n> Do **not** copy this." in body
    assert "> **Info**\n>\n> Info text." in body
    assert "{{" not in body


def test_other_shortcodes_keep_their_text_or_are_dropped_with_a_note():
    draft = draft_of(
        '# T\n\n## Part\n\n{{% expand "More" %}}\nHidden text.\n{{% /expand %}}\n\nSee {{< youtube abc >}} here.'
    )
    body = draft.lessons[0].body
    assert "Hidden text." in body and "{{" not in body and "See  here." in body
    assert any("youtube abc" in note and "no equivalent" in note for note in draft.notes)


def test_shortcodes_inside_code_are_code():
    draft = draft_of("# T\n\n## Part\n\n```\n{{% notice %}}\n```\n")
    assert "{{% notice %}}" in draft.lessons[0].body


def test_images_are_dropped_with_a_note_saying_whether_the_file_is_there(tmp_path):
    (tmp_path / "static" / "images").mkdir(parents=True)
    (tmp_path / "static" / "images" / "here.png").write_bytes(b"\x89PNG")
    report = tmp_path / "report.md"
    report.write_text("# T\n\n## Photos\n\nText.\n\n![Team](/images/here.png)\n![](/images/gone.jpg)\n")
    draft = build_draft(read_report(report.name, report.read_bytes(), exists=files_next_to(report)))
    assert "![" not in draft.lessons[0].body
    assert "line 7: the image /images/here.png was dropped: lessons show text only" in " ".join(draft.notes)
    assert "line 8: the image /images/gone.jpg was dropped: the file is not there" in draft.notes


def test_a_section_of_photos_only_makes_no_lesson():
    draft = draft_of("# T\n\n## Part\n\nText.\n\n## Photos\n\n![](/a.jpg)\n")
    assert [lesson.title for lesson in draft.lessons] == ["Part"]
    assert any("“Photos” has no text" in note for note in draft.notes)


# --- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday, November 17, 2025.", date(2025, 11, 17)),
        ("17 Nov 2025", date(2025, 11, 17)),
        ("2025-11-17", date(2025, 11, 17)),
        ("Thứ Hai, 17 tháng 11 năm 2025", date(2025, 11, 17)),
        ("17/11/2025", date(2025, 11, 17)),
        ("next Tuesday", None),
        ("February 30, 2025", None),
    ],
)
def test_dates_as_reports_write_them(text, expected):
    assert parse_date(text) == expected


def test_the_date_the_body_states_wins_over_the_front_matter():
    draft = draft_of('---\ndate: "2025-10-06"\n---\n# T\n\n**Date:** Monday, November 17, 2025.\n\n## Part\n\nText')
    assert draft.facts.event_date == date(2025, 11, 17) and draft.facts.date_source == "line 6"
    draft = draft_of("---\ndate: 2024-10-15T00:00:00Z\n---\n# T\n\n**Ngày tổ chức:** 17 tháng 11 năm 2025\n\n## P\n\nx")
    assert draft.facts.event_date == date(2025, 11, 17)


def test_an_r_markdown_expression_is_an_unknown_date():
    draft = draft_of('---\ndate: "`r Sys.Date()`"\n---\n# T\n\n## Part\n\nText')
    assert draft.facts.event_date is None
    assert any("R Markdown expression" in note for note in draft.notes)
    assert "date unknown" in draft.source_note("r.md")
