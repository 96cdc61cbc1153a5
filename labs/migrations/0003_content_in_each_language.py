
"""The curriculum's texts in each language (django-modeltranslation): a column per language beside
the English; the English columns start as copies of the texts stored so far."""

from django.db import migrations, models
from django.db.models import F

TRANSLATED = {'Lab': ('title', 'instructions_md', 'instructions_html'), 'Check': ('title', 'explanation_md', 'explanation_html')}


def english_from_original(apps, schema_editor):
    for name, fields in TRANSLATED.items():
        apps.get_model("labs", name).objects.update(**{f"{field}_en": F(field) for field in fields})


def original_from_english(apps, schema_editor):
    for name, fields in TRANSLATED.items():
        apps.get_model("labs", name).objects.update(**{field: F(f"{field}_en") for field in fields})


class Migration(migrations.Migration):

    dependencies = [
        ('labs', '0002_submission_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='check',
            name='explanation_html_en',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='check',
            name='explanation_html_vi',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='check',
            name='explanation_md_en',
            field=models.TextField(null=True, verbose_name='explanation when it fails (markdown)'),
        ),
        migrations.AddField(
            model_name='check',
            name='explanation_md_vi',
            field=models.TextField(null=True, verbose_name='explanation when it fails (markdown)'),
        ),
        migrations.AddField(
            model_name='check',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='check',
            name='title_vi',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='lab',
            name='instructions_html_en',
            field=models.TextField(blank=True, editable=False, null=True, verbose_name='instructions (rendered)'),
        ),
        migrations.AddField(
            model_name='lab',
            name='instructions_html_vi',
            field=models.TextField(blank=True, editable=False, null=True, verbose_name='instructions (rendered)'),
        ),
        migrations.AddField(
            model_name='lab',
            name='instructions_md_en',
            field=models.TextField(null=True, verbose_name='instructions (markdown)'),
        ),
        migrations.AddField(
            model_name='lab',
            name='instructions_md_vi',
            field=models.TextField(null=True, verbose_name='instructions (markdown)'),
        ),
        migrations.AddField(
            model_name='lab',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='lab',
            name='title_vi',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.RunPython(english_from_original, original_from_english),
    ]
