"""PostgreSQL: a GIN index of the English stemmed vector LessonQuerySet.search matches besides the
folded columns of courses 0005. Without it one branch of the search's OR had no index, so no plan
could combine the folded columns' indexes (a BitmapOr needs an index for every branch)."""

from django.db import migrations

ENGLISH_VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title_en, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body_text_en, '')), 'B'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX courses_lesson_search_english ON courses_lesson USING gin ({ENGLISH_VECTOR})")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS courses_lesson_search_english")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_lesson_search_text"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
