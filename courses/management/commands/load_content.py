from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.importers import ContentError, load_content


class Command(BaseCommand):
    help = "Create or update the curriculum from fixtures/content/ (idempotent; never deletes progress)."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(settings.BASE_DIR / "fixtures" / "content"))
        parser.add_argument("--overwrite", action="store_true", help="Also replace rows that were edited in the admin.")

    def handle(self, *args, path, overwrite, **options):
        try:
            report = load_content(path, overwrite=overwrite)
        except ContentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
