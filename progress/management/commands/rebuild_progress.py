from django.core.management.base import BaseCommand

from progress.rebuild import rebuild


class Command(BaseCommand):
    help = "Recompute every learner's per-module progress rows from lesson completions and closed attempts."

    def handle(self, *args, **options):
        counts = rebuild()
        self.stdout.write(
            "Progress rows: {created} created, {updated} updated, {unchanged} unchanged.".format(**counts)
        )
