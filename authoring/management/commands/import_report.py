from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from authoring.reports.read import files_next_to
from authoring.reports.save import ReportError, import_report
from courses.models import LearningPath


class Command(BaseCommand):
    help = (
        "Make a draft module (unpublished lessons and generated questions to review) from each workshop report. "
        "Importing the same file again updates its draft; published lessons and questions are never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="report files (markdown, Hugo pages)")
        parser.add_argument("--path", dest="path_slug", help="the learning path's slug (default: the only one)")

    def handle(self, *args, paths, path_slug=None, **options):
        path = learning_path(path_slug)
        failed = 0
        for name in paths:
            file = Path(name)
            try:
                raw = file.read_bytes()
                result = import_report(file.name, raw, path=path, exists=files_next_to(file))
            except OSError as error:
                failed += 1
                self.stderr.write(f"{name}: cannot be read ({error.strerror}).")
                continue
            except ReportError as error:
                failed += 1
                self.stderr.write(f"{error} Nothing was imported from it.")
                continue
            self.stdout.write(result.text())
        if failed:
            raise CommandError(f"{failed} of {len(paths)} file(s) could not be imported.")


def learning_path(slug: str | None) -> LearningPath:
    if slug:
        found = LearningPath.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"No learning path has the slug “{slug}”.")
        return found
    paths = list(LearningPath.objects.all()[:2])
    if len(paths) != 1:
        raise CommandError(
            "Name the learning path with --path SLUG (there are several)."
            if paths
            else "There is no learning path yet: run load_content first, or create one in the admin."
        )
    return paths[0]
