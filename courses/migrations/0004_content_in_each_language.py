
"""The curriculum's texts in each language (django-modeltranslation): a column per language beside
the English; the English columns start as copies of the texts stored so far."""

from django.db import migrations, models
from django.db.models import F

TRANSLATED = {'LearningPath': ('title', 'summary'), 'Module': ('title', 'summary', 'objectives'), 'Lesson': ('title', 'body_md', 'body_html', 'body_text', 'takeaways')}


def english_from_original(apps, schema_editor):
    for name, fields in TRANSLATED.items():
        apps.get_model("courses", name).objects.update(**{f"{field}_en": F(field) for field in fields})


def original_from_english(apps, schema_editor):
    for name, fields in TRANSLATED.items():
        apps.get_model("courses", name).objects.update(**{field: F(f"{field}_en") for field in fields})


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0003_lesson_reviewed_and_beyond_workshop'),
    ]

    operations = [
        migrations.AddField(
            model_name='learningpath',
            name='summary_en',
            field=models.TextField(blank=True, null=True, verbose_name='summary'),
        ),
        migrations.AddField(
            model_name='learningpath',
            name='summary_vi',
            field=models.TextField(blank=True, null=True, verbose_name='summary'),
        ),
        migrations.AddField(
            model_name='learningpath',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='learningpath',
            name='title_vi',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='body_html_en',
            field=models.TextField(blank=True, editable=False, null=True, verbose_name='body (rendered)'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='body_html_vi',
            field=models.TextField(blank=True, editable=False, null=True, verbose_name='body (rendered)'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='body_md_en',
            field=models.TextField(null=True, verbose_name='body (markdown)'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='body_md_vi',
            field=models.TextField(null=True, verbose_name='body (markdown)'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='body_text_en',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='lesson',
            name='body_text_vi',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='lesson',
            name='takeaways_en',
            field=models.TextField(blank=True, help_text='One takeaway a line.', null=True, verbose_name='key takeaways'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='takeaways_vi',
            field=models.TextField(blank=True, help_text='One takeaway a line.', null=True, verbose_name='key takeaways'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='title_vi',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='module',
            name='objectives_en',
            field=models.TextField(blank=True, help_text='One objective a line.', null=True, verbose_name='learning objectives'),
        ),
        migrations.AddField(
            model_name='module',
            name='objectives_vi',
            field=models.TextField(blank=True, help_text='One objective a line.', null=True, verbose_name='learning objectives'),
        ),
        migrations.AddField(
            model_name='module',
            name='summary_en',
            field=models.TextField(blank=True, null=True, verbose_name='summary'),
        ),
        migrations.AddField(
            model_name='module',
            name='summary_vi',
            field=models.TextField(blank=True, null=True, verbose_name='summary'),
        ),
        migrations.AddField(
            model_name='module',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='module',
            name='title_vi',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.RunPython(english_from_original, original_from_english),
    ]
