"""PostgreSQL: the lesson search's vectors stored in columns (LessonQuerySet.search, courses.models
search_vectors()) with a GIN index each, in place of the expression indexes of courses 0005 and 0006.
The planner priced the to_tsvector() expressions at their declared cost, far below parsing a lesson,
and scanned every lesson computing them; over stored columns it reads the indexes. The columns exist
on SQLite too (NULL there: it searches the folded text)."""

import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations

LANGUAGES = ("en", "vi")
INDEXES = {
    "courses_lesson_search_vector_en": "search_vector_en",
    "courses_lesson_search_vector_vi": "search_vector_vi",
    "courses_lesson_search_english_vector": "search_english",
}
# The expression indexes the stored columns replace (as courses 0005 and 0006 created them).
EXPRESSION_INDEXES = {
    **{
        f"courses_lesson_search_{language}": f"to_tsvector('simple'::regconfig, COALESCE(search_text_{language}, ''))"
        for language in LANGUAGES
    },
    "courses_lesson_search_english": (
        "(setweight(to_tsvector('english'::regconfig, COALESCE(title_en, '')), 'A') || "
        "setweight(to_tsvector('english'::regconfig, COALESCE(body_text_en, '')), 'B'))"
    ),
}


def fill(apps, schema_editor):
    """The vectors of the lessons stored so far, as courses.models.search_vectors() computes them
    (written out here: a migration keeps the rule of its day)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    vectors = {
        f"search_vector_{language}": SearchVector(f"search_text_{language}", config="simple") for language in LANGUAGES
    }
    vectors["search_english"] = SearchVector("title_en", weight="A", config="english") + SearchVector(
        "body_text_en", weight="B", config="english"
    )
    apps.get_model("courses", "Lesson").objects.update(**vectors)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in EXPRESSION_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, column in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON courses_lesson USING gin ({column})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, expression in EXPRESSION_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON courses_lesson USING gin ({expression})")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_lesson_search_english_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="search_english",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="lesson",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="lesson",
            name="search_vector_en",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="lesson",
            name="search_vector_vi",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
