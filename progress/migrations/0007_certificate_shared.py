from django.db import migrations, models


class Migration(migrations.Migration):
    """Certificates issued before this were public to anyone with their address: they stay shared
    (their links may be out there). New ones are shared only when their learner chooses to."""

    dependencies = [
        ("progress", "0006_practice_answers"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="shared",
            field=models.BooleanField(default=True, verbose_name="shared"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="shared",
            field=models.BooleanField(
                default=False,
                help_text="The learner chose to share it: anyone with its address sees the name, the path and the date. Otherwise only the learner sees its page.",
                verbose_name="shared",
            ),
        ),
    ]
