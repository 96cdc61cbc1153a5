
"""Lessons searchable with or without accents: the title and text folded (devopslearn.lib.fold) in a
column per language, filled for the lessons stored so far; on PostgreSQL a GIN index of each column's
words (the expression LessonQuerySet.search matches with: to_tsvector('simple', ...))."""

from django.db import migrations, models

from devopslearn.lib.fold import fold

LANGUAGES = ("en", "vi")


def fill(apps, schema_editor):
    Lesson = apps.get_model("courses", "Lesson")
    for lesson in Lesson.objects.all():
        for language in LANGUAGES:
            title = getattr(lesson, f"title_{language}") or ""
            text = getattr(lesson, f"body_text_{language}") or ""
            setattr(lesson, f"search_text_{language}", fold(f"{title}\n{text}") if text else "")
        lesson.save(update_fields=[f"search_text_{language}" for language in LANGUAGES])


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # no index serves a substring search on SQLite: it reads the (few) lessons' columns
    for language in LANGUAGES:
        schema_editor.execute(
            f"CREATE INDEX courses_lesson_search_{language} ON courses_lesson "
            f"USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text_{language}, '')))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for language in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS courses_lesson_search_{language}")


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_content_in_each_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='lesson',
            name='search_text',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='lesson',
            name='search_text_en',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='lesson',
            name='search_text_vi',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
