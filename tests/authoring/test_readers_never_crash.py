"""Whatever bytes arrive, the readers answer with questions, listed problems or a ReportError: never
an exception that would be a 500 in the admin."""

import contextlib
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.interchange import gift, moodle_xml
from authoring.reports.draft import build_draft
from authoring.reports.read import ReportError, read_report

GIFT_PIECES = st.lists(
    st.sampled_from(
        [
            "::",
            "{",
            "}",
            "=",
            "~",
            "#",
            "####",
            "%50%",
            "%-100%",
            "->",
            "\\",
            "\\n",
            ":",
            "..",
            "T",
            "FALSE",
            "$CATEGORY: x",
            "//",
            "[html]",
            "1",
            "2.5",
            " ",
            "\n",
            "\n\n",
            "a",
            "<b>",
            "é",
        ]
    ),
    max_size=40,
).map("".join)
MARKDOWN_PIECES = st.lists(
    st.sampled_from(
        [
            "# ",
            "## ",
            "### ",
            "---\n",
            "+++\n",
            "title: x\n",
            "**",
            "- ",
            "1. ",
            "| a | b |\n",
            "|---|---|\n",
            "->",
            "→",
            "{{% notice %}}",
            "{{% /notice %}}",
            "{{< x >}}",
            "![a](b.png)",
            "```\n",
            "Date: ",
            "x",
            "\n",
            "\n\n",
            ":",
            "Ngày tổ chức: ",
            "`r Sys.Date()`",
            "√†",
            "\x00",
        ]
    ),
    max_size=40,
).map("".join)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.one_of(GIFT_PIECES, st.text(max_size=300)))
def test_gift_never_crashes(text):
    bank = gift.read(text)
    assert all(isinstance(error, str) for error in bank.errors)


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=300),
        st.builds(
            lambda kind, inner: f'<quiz><question type="{kind}">{inner}</question></quiz>'.encode(),
            st.sampled_from(["multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "x"]),
            st.sampled_from(
                [
                    "",
                    "<answer fraction='abc'><text>a</text></answer>",
                    "<answer fraction='100'><text>1</text><tolerance>x</tolerance></answer>",
                    "<subquestion><text>a</text></subquestion>",
                    "<single>false</single><answer fraction='-100'><text>a</text></answer>",
                    '<!-- devopslearn: {"kind": "faulty_line", "select": "x", "misconceptions": {"9": 3}} -->',
                    "<defaultgrade>-1</defaultgrade><answer fraction='100'><text>true</text></answer>",
                ]
            ),
        ),
    )
)
def test_moodle_xml_never_crashes(content):
    bank = moodle_xml.read(content)
    assert all(isinstance(error, str) for error in bank.errors)


@SETTINGS
@given(st.one_of(MARKDOWN_PIECES, st.text(max_size=300)))
def test_the_report_reader_raises_only_report_errors(text):
    try:
        draft = build_draft(read_report("r.md", text.encode("utf-8", "surrogatepass")))
    except ReportError:
        return
    assert draft.lessons


def test_deeply_nested_metadata_is_ignored():
    bank = gift.read("// devopslearn: " + "[" * 100_000 + "\n::q:: Q? {T}")
    assert [q.key for q in bank.questions] == ["q"]
    bank = moodle_xml.read(
        b'<quiz><question type="truefalse"><!-- devopslearn: ' + b"[" * 100_000 + b" --><name><text>q</text></name>"
        b'<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        b"</question></quiz>"
    )
    assert [q.key for q in bank.questions] == ["q"]


@pytest.mark.parametrize(
    "line",
    [
        "![a](" * 170_000,  # an image whose link never closes: was read in quadratic time (12 minutes)
        "_a " * 330_000,  # emphasis markers that never close
        "[a](" * 250_000,  # a link that never closes
        "<img " * 200_000,
        "![" * 500_000,
    ],
)
def test_a_megabyte_long_line_is_read_in_one_pass(line):
    raw = ("# T\n\n## Part\n\n" + line)[: 1024 * 1024 - 1].encode()
    started = time.monotonic()
    with contextlib.suppress(ReportError):
        build_draft(read_report("r.md", raw))
    assert time.monotonic() - started < 30  # about 0.1-0.3 s here; quadratic reading takes minutes
