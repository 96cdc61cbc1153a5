"""Search ignores accents in both languages (one fold, devopslearn.lib.fold, stored per language and
applied to the query) and lists the learner's language first, on SQLite and PostgreSQL alike."""

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from courses.importers import load_content
from courses.models import Lesson
from devopslearn.lib.fold import accent_pattern, fold
from tests.i18n.content import small_curriculum, write

pytestmark = pytest.mark.django_db


def test_the_fold_drops_accents_turns_d_with_stroke_into_d_and_lowers_case():
    assert fold("Triển khai Đà Nẵng") == "trien khai da nang"
    assert fold("đường ỐNG") == "duong ong"
    assert fold("CodePipeline") == "codepipeline"


@given(st.text())
def test_folding_twice_changes_nothing(text):
    assert fold(fold(text)) == fold(text)


def test_the_highlight_pattern_matches_the_accented_word():
    pattern = re.compile(accent_pattern("trien khai"), re.IGNORECASE)
    assert pattern.search("Cách Triển khai an toàn").group(0) == "Triển khai"
    assert re.compile(accent_pattern("duong"), re.I).search("đường ống").group(0) == "đường"


@pytest.fixture
def searcher(client, learner, tmp_path):
    # Only the small curriculum's lessons are published in this test (the real one, translated, may
    # be loaded by another test of the session; the change is rolled back with the test).
    Lesson.objects.update(published=False)
    load_content(small_curriculum(tmp_path / "content"))
    client.force_login(learner)

    def search(query: str, language: str = "en") -> list[str]:
        learner.language = language
        learner.save(update_fields=["language"])
        html = client.get(reverse("courses:search"), {"q": query}).text
        section = re.search(r'<section id="results".*?</section>', html, re.S).group(0)
        return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<h2><a [^>]+>(.*?)</a></h2>", section)]

    return search


def test_a_query_without_accents_finds_the_vietnamese_lesson(searcher):
    assert searcher("hai moi truong", "vi") == ["Triển khai blue/green"]
    assert searcher("HAI MÔI TRƯỜNG", "vi") == ["Triển khai blue/green"]


def test_an_english_reader_finds_a_lesson_by_its_vietnamese_words_too(searcher):
    assert searcher("moi truong", "en") == ["Blue/green deployments"]


def test_the_folded_column_is_filled_on_save():
    lesson = Lesson.objects.filter(module__path__slug="devops-on-aws").first()
    lesson.title_vi, lesson.body_md_vi = "Đường ống triển khai", "Một **pipeline** triển khai."
    lesson.save()
    lesson.refresh_from_db()
    assert lesson.search_text_vi == "duong ong trien khai\nmot pipeline trien khai."


def test_results_in_the_learners_language_come_first(client, learner, tmp_path):
    # "quokka" is in the English blue/green lesson (listed first) and in the Vietnamese canary lesson
    # (listed second), nowhere else: each reader gets the lesson of their language first.
    root = small_curriculum(tmp_path / "content")
    english = (root / "01-deploying/01-blue-green.md").read_text(encoding="utf-8")
    write(
        root,
        {
            "01-deploying/01-blue-green.md": english.replace("between them.", "between them, like a quokka."),
            "vi/01-deploying/02-canary.md": "---\nkey: canary\ntitle: Phát hành canary\n---\n"
            "## Một phần nhỏ trước\n\nCanary không cần hai môi trường, như một con quokka.\n",
        },
    )
    load_content(root)
    client.force_login(learner)

    def titles(language):
        learner.language = language
        learner.save(update_fields=["language"])
        html = client.get(reverse("courses:search"), {"q": "quokka"}).text
        return re.findall(r'<h2><a href="[^"]+">(.*?)</a></h2>', html)

    assert [re.sub(r"<[^>]+>", "", t) for t in titles("en")] == ["Blue/green deployments", "Canary releases"]
    assert [re.sub(r"<[^>]+>", "", t) for t in titles("vi")] == ["Phát hành canary", "Triển khai blue/green"]
