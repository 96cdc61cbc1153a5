"""PostgreSQL: the lesson search matches stored vectors (courses.models.search_vectors(), courses 0007),
kept in step with the texts on every write path (save, the admin, load_content, update, bulk_update,
bulk_create, the data migration), answering as the to_tsvector() expressions it replaced did, each
column GIN-indexed."""

import copy
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorExact
from django.db import connection, models
from django.db.models import Q
from django.utils import translation

from courses.models import Lesson
from devopslearn.lib.fold import fold
from tests.courses.conftest import form_fields

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vectors are PostgreSQL's"),
]

QUERIES = ["trien khai", "triển khai", "canary", "rollback", "drift detection", "deploying pipelines", "quokka"]
INDEXES = ("courses_lesson_search_vector_en", "courses_lesson_search_vector_vi", "courses_lesson_search_english_vector")


def words(lesson: Lesson, column: str) -> str:
    """The stored vector as PostgreSQL prints it ("'khai':2 'trien':1")."""
    return Lesson.objects.filter(pk=lesson.pk).values_list(column, flat=True).get() or ""


@pytest.fixture
def many_lessons(curriculum):
    """The curriculum's lessons eight more times (324 in all), and the table's statistics as the planner
    will read them. Written past VersionedQuerySet (whose recording of each created row as a content
    change took half a minute here), their vectors stored as LessonQuerySet.bulk_create stores them."""
    originals = list(Lesson.objects.all())
    clones = []
    for copy_number in range(1, 9):
        for lesson in originals:
            clone = copy.copy(lesson)
            clone.pk, clone.search_vector_en, clone.search_vector_vi, clone.search_english = None, None, None, None
            clone.key, clone.slug = f"{lesson.key}-{copy_number}", f"{lesson.slug}-{copy_number}"
            clone.order = lesson.order + 100 * copy_number
            clones.append(clone)
    models.QuerySet(Lesson).bulk_create(clones)
    Lesson.objects.filter(search_english__isnull=True).store_search_vectors()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE courses_lesson")
    return Lesson.objects.count()


def previous_search(query: str):
    """The search as it was before the vectors were stored (courses.models before 0007): the same
    vectors computed from the text columns in the query."""
    own = f"search_text_{translation.get_language()}"
    folded = SearchQuery(fold(query), search_type="websearch", config="simple")
    english = SearchQuery(query, search_type="websearch", config="english")
    vector = SearchVector("title_en", weight="A", config="english") + SearchVector(
        "body_text_en", weight="B", config="english"
    )
    matches = {
        c: SearchVectorExact(SearchVector(c, config="simple"), folded) for c in ("search_text_en", "search_text_vi")
    }
    found = Q(SearchVectorExact(vector, english)) | Q(matches["search_text_en"]) | Q(matches["search_text_vi"])
    return (
        Lesson.objects.published()
        .annotate(rank=SearchRank(vector, english), in_language=matches[own])
        .filter(found)
        .order_by("-in_language", "-rank", "module__order", "order", "pk")
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_stored_vectors_find_what_the_expressions_found(many_lessons, language):
    """The same lessons, each in the page's language or not; their order is now relevance's
    (courses.models.relevance, tests/courses/test_search.py), no longer the language first."""
    with translation.override(language):
        for query in QUERIES:
            found = set(Lesson.objects.published().search(query).values_list("pk", "in_language"))
            assert found == set(previous_search(query).values_list("pk", "in_language")), query


def test_accents_are_folded_and_the_learners_language_comes_first(curriculum):
    with translation.override("vi"):
        vietnamese = list(Lesson.objects.published().search("trien khai"))
    with translation.override("en"):
        english = list(Lesson.objects.published().search("trien khai"))
    assert vietnamese and all(
        {"trien", "khai"} <= set(re.findall(r"\w+", lesson.search_text_vi)) for lesson in vietnamese
    )
    assert all(lesson.in_language for lesson in vietnamese)  # every match is in the Vietnamese text
    assert not any(lesson.in_language for lesson in english)  # found through the Vietnamese text only
    assert {lesson.pk for lesson in english} == {lesson.pk for lesson in vietnamese}


def plan_of(language: str, query: str, *settings: str) -> str:
    with translation.override(language):
        sql, params = Lesson.objects.published().search(query).query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_search_reads_stored_vectors_and_can_be_answered_from_their_gin_indexes(many_lessons, language):
    assert many_lessons == 324
    # The planner's own choice: at this size a sequential scan, now of the stored vectors, no
    # to_tsvector() of a lesson computed per row (that made the scan 3.4 s at 1,116 lessons).
    assert "to_tsvector" not in plan_of(language, "trien khai")
    # Sequential scans ruled out: a BitmapOr of the three column indexes answers the whole condition.
    plan = plan_of(language, "trien khai", "enable_seqscan = off", "enable_indexscan = off")
    assert "BitmapOr" in plan
    for index in INDEXES:
        assert f"Bitmap Index Scan on {index} " in plan


def test_saving_a_lesson_stores_its_vectors(curriculum):
    lesson = Lesson.objects.get(key="dora-metrics")
    lesson.title_vi, lesson.body_md_vi = "Đường ống", "Một con **quokka** triển khai."
    lesson.save()

    assert "'quokka'" in words(lesson, "search_vector_vi") and "'duong'" in words(lesson, "search_vector_vi")
    with translation.override("vi"):
        assert list(Lesson.objects.search("duong ong quokka")) == [lesson]


def test_saving_a_lesson_in_the_admin_updates_its_vectors(client, instructor, curriculum):
    lesson = Lesson.objects.get(key="dora-metrics")
    url = f"/admin/courses/lesson/{lesson.pk}/change/"
    client.force_login(instructor)
    data = form_fields(client.get(url).content.decode(), "lesson_form")
    data["title_en"] = ["Four numbers and a wombat"]
    data["body_md_vi"] = [data["body_md_vi"][0] + "\r\n\r\nMột con thú có túi tên là quokka."]

    assert client.post(url, data).status_code == 302

    assert re.search(r"'wombat':\d+A", words(lesson, "search_english"))  # a word of the title
    assert "'quokka'" in words(lesson, "search_vector_vi")
    with translation.override("en"):
        assert list(Lesson.objects.search("wombats")) == [lesson]  # English stemming, as before
        assert list(Lesson.objects.search("thu co tui")) == [lesson]


def test_updates_and_bulk_updates_of_the_texts_store_the_vectors(curriculum):
    dora, other = Lesson.objects.filter(module__path=curriculum).order_by("pk")[:2]

    Lesson.objects.filter(pk=dora.pk).update(search_text_vi="mot con quokka")
    other.body_text_en = "A numbat in the pipeline."
    Lesson.objects.bulk_update([other], ["body_text_en"])

    assert words(dora, "search_vector_vi") == "'con':2 'mot':1 'quokka':3"
    assert re.search(r"'numbat':\d+B", words(other, "search_english"))  # a word of the body


def test_lessons_created_in_bulk_get_their_vectors(curriculum):
    lesson = Lesson.objects.get(key="dora-metrics")
    lesson.pk, lesson.key, lesson.slug, lesson.order = None, "dora-copy", "dora-copy", 999
    lesson.search_text_vi, lesson.search_vector_vi = "mot con quokka", None

    (created,) = Lesson.objects.bulk_create([lesson])

    assert words(created, "search_vector_vi") == "'con':2 'mot':1 'quokka':3"


def test_load_content_stores_every_lessons_vectors(curriculum):
    missing = Q(search_english__isnull=True) | Q(search_vector_en__isnull=True) | Q(search_vector_vi__isnull=True)
    assert Lesson.objects.exists() and not Lesson.objects.filter(missing).exists()


def test_the_data_migration_fills_the_lessons_stored_before_it(curriculum):
    Lesson.objects.update(search_vector_en=None, search_vector_vi=None, search_english=None)
    migration = importlib.import_module("courses.migrations.0007_lesson_search_vectors")

    migration.fill(apps, connection.schema_editor())

    lesson = Lesson.objects.get(key="dora-metrics")
    assert words(lesson, "search_vector_vi") and words(lesson, "search_english")
    with translation.override("vi"):
        expected = set(previous_search("trien khai").values_list("pk", flat=True))
        assert set(Lesson.objects.published().search("trien khai").values_list("pk", flat=True)) == expected
