"""PostgreSQL: every branch of the lesson search's condition matches a GIN index (courses 0005, 0006),
so a plan reading only the indexes exists: EXPLAIN shows a BitmapOr over the three when sequential
scans are ruled out (the planner's own choice at our sizes is explained in LessonQuerySet.search)."""

import pytest
from django.db import connection
from django.utils import translation

from courses.models import Lesson

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN indexes exist on PostgreSQL only"),
]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_search_can_be_answered_from_its_three_gin_indexes(curriculum, language):
    with translation.override(language):
        sql, params = Lesson.objects.published().search("trien khai").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "BitmapOr" in plan
    for index in ("courses_lesson_search_en", "courses_lesson_search_vi", "courses_lesson_search_english"):
        assert f"Bitmap Index Scan on {index} " in plan
