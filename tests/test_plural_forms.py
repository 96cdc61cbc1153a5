"""Every count in the interface uses plural forms (issue 12, point 9): "1 days had activity" read on My
progress. A translated text that puts a number before a counted noun is written with
``{% blocktranslate count %}`` or ``ngettext``, so that English says "1 day" and a language with
other plural rules can say it its way. This test reads every template and every module of the apps."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from progress.models import DailyActivity

NOUNS = (
    "days?|lessons?|cards?|questions?|points?|attempts?|learners?|members?|minutes?|modules?|hours?|weeks?|"
    "times|responses?|checks?|labs?|lines?|reports?|seconds?|choices?|items?|actions?"
)
# A number placeholder followed by a counted noun: "{{ n }} days", "%(n)d lines", "{count} cards".
COUNTED = re.compile(rf"(\{{\{{ *\w+ *\}}\}}|%\(\w+\)d|\{{\w+\}}) (\w+ )?({NOUNS})\b")
BLOCK = re.compile(r"{% blocktranslate(?P<options>[^%]*)%}(?P<body>.*?){% endblocktranslate %}", re.S)
CALL = re.compile(r"\b(?:_|gettext|gettext_lazy|pgettext)\(\s*((?:\"[^\"]*\"\s*)+)\)", re.S)
APPS = ["accounts", "courses", "quizzes", "labs", "progress", "cohorts", "authoring", "demo", "devopslearn"]


def _template_texts():
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for block in BLOCK.finditer(path.read_text()):
            if " count " not in f" {block['options']} ":
                yield path.name, block["body"]


def _python_texts():
    for app in APPS:
        for path in sorted(Path(settings.BASE_DIR, app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for call in CALL.finditer(path.read_text()):
                yield path.name, "".join(re.findall(r"\"([^\"]*)\"", call[1]))


def test_every_counted_noun_in_a_template_is_in_a_plural_block():
    found = [(name, text.strip()[:90]) for name, text in _template_texts() if COUNTED.search(text)]
    assert found == [], "use {% blocktranslate count n=... %}...{% plural %}...{% endblocktranslate %}"


def test_every_counted_noun_in_python_goes_through_ngettext():
    found = [(name, text[:90]) for name, text in _python_texts() if COUNTED.search(text)]
    assert found == [], "use ngettext(singular, plural, n)"


def test_the_scan_finds_what_it_looks_for():
    assert COUNTED.search("Active on {{ n }} of the last {{ total }} days.")
    assert COUNTED.search("%(n)d review cards overdue")
    assert not COUNTED.search("Question {{ n }} of {{ total }}")


def test_one_day_of_activity_reads_in_the_singular_on_my_progress(curriculum, learner, learner_client):
    DailyActivity.objects.create(user=learner, day=timezone.localdate(timezone=learner.zone), reviews=1)
    page = learner_client.get(reverse("progress:mine")).content.decode()
    assert "1 day had activity." in page and "1 days" not in page
