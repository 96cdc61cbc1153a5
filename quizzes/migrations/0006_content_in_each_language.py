
"""The curriculum's texts in each language (django-modeltranslation): a column per language beside
the English; the English columns start as copies of the texts stored so far."""

from django.db import migrations, models
from django.db.models import F

TRANSLATED = {'Quiz': ('title',), 'Pool': ('title',), 'Question': ('prompt_md', 'prompt_html', 'explanation_md', 'explanation_html', 'unit', 'variants_html'), 'Choice': ('text', 'feedback', 'match_text'), 'Misconception': ('description',)}


def english_from_original(apps, schema_editor):
    for name, fields in TRANSLATED.items():
        apps.get_model("quizzes", name).objects.update(**{f"{field}_en": F(field) for field in fields})


def original_from_english(apps, schema_editor):
    for name, fields in TRANSLATED.items():
        apps.get_model("quizzes", name).objects.update(**{field: F(f"{field}_en") for field in fields})


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0005_new_questions_start_unpublished'),
    ]

    operations = [
        migrations.AddField(
            model_name='choice',
            name='feedback_en',
            field=models.TextField(blank=True, help_text='Shown when the learner picks this choice.', null=True, verbose_name='feedback'),
        ),
        migrations.AddField(
            model_name='choice',
            name='feedback_vi',
            field=models.TextField(blank=True, help_text='Shown when the learner picks this choice.', null=True, verbose_name='feedback'),
        ),
        migrations.AddField(
            model_name='choice',
            name='match_text_en',
            field=models.CharField(blank=True, help_text='For matching questions: what this item pairs with.', max_length=500, null=True, verbose_name='match'),
        ),
        migrations.AddField(
            model_name='choice',
            name='match_text_vi',
            field=models.CharField(blank=True, help_text='For matching questions: what this item pairs with.', max_length=500, null=True, verbose_name='match'),
        ),
        migrations.AddField(
            model_name='choice',
            name='text_en',
            field=models.CharField(max_length=500, null=True, verbose_name='text'),
        ),
        migrations.AddField(
            model_name='choice',
            name='text_vi',
            field=models.CharField(max_length=500, null=True, verbose_name='text'),
        ),
        migrations.AddField(
            model_name='misconception',
            name='description_en',
            field=models.CharField(help_text='One line of plain text.', max_length=300, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='misconception',
            name='description_vi',
            field=models.CharField(help_text='One line of plain text.', max_length=300, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='pool',
            name='title_en',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='pool',
            name='title_vi',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='question',
            name='accepted_answers',
            field=models.JSONField(blank=True, default=list, help_text='Short text: answers accepted besides the correct choices\' texts, in any language (from the translations\' accept lists), like ["triển khai xanh/lam"].', verbose_name='more accepted answers'),
        ),
        migrations.AddField(
            model_name='question',
            name='explanation_html_en',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='question',
            name='explanation_html_vi',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='question',
            name='explanation_md_en',
            field=models.TextField(help_text='Shown after the learner answers.', null=True, verbose_name='explanation (markdown)'),
        ),
        migrations.AddField(
            model_name='question',
            name='explanation_md_vi',
            field=models.TextField(help_text='Shown after the learner answers.', null=True, verbose_name='explanation (markdown)'),
        ),
        migrations.AddField(
            model_name='question',
            name='prompt_html_en',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='question',
            name='prompt_html_vi',
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='question',
            name='prompt_md_en',
            field=models.TextField(null=True, verbose_name='prompt (markdown)'),
        ),
        migrations.AddField(
            model_name='question',
            name='prompt_md_vi',
            field=models.TextField(null=True, verbose_name='prompt (markdown)'),
        ),
        migrations.AddField(
            model_name='question',
            name='unit_en',
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name='unit'),
        ),
        migrations.AddField(
            model_name='question',
            name='unit_vi',
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name='unit'),
        ),
        migrations.AddField(
            model_name='question',
            name='variants_html_en',
            field=models.JSONField(blank=True, default=list, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='question',
            name='variants_html_vi',
            field=models.JSONField(blank=True, default=list, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='quiz',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='quiz',
            name='title_vi',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.RunPython(english_from_original, original_from_english),
    ]
