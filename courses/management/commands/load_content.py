from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.importers import ContentError, load_content, parse_curriculum


class Command(BaseCommand):
    help = "Create or update the curriculum from fixtures/content/ (idempotent; never deletes progress)."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(settings.BASE_DIR / "fixtures" / "content"))
        parser.add_argument("--overwrite", action="store_true", help="Also replace rows that were edited in the admin.")
        parser.add_argument(
            "--check", action="store_true", help="Only read and check the files (errors and warnings); write nothing."
        )
        parser.add_argument(
            "--verbose", action="store_true", help="List each text without a translation, not only their counts."
        )

    def handle(self, *args, path, overwrite, check, verbose, **options):
        try:
            if check:
                curriculum = parse_curriculum(path)
            else:
                report = load_content(path, overwrite=overwrite, verbose=verbose)
        except ContentError as error:
            raise CommandError(str(error)) from error
        if check:
            lessons = sum(len(module.lessons) for module in curriculum.modules)
            self.stdout.write(f"Content is valid: {len(curriculum.modules)} modules, {lessons} lessons.")
            for line in curriculum.untranslated_lines(verbose=verbose):
                self.stdout.write(f"  {line}")
            for warning in curriculum.warnings:
                self.stdout.write(f"  warning: {warning}")
        else:
            self.stdout.write(report.summary())
