from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from labs.authoring import check_lab_folders


class Command(BaseCommand):
    help = (
        "Grade every lab's starter and reference solution in fixtures/content/ (or --path) with the real tools: "
        "each solution must pass every check and each starter must fail at least one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(settings.BASE_DIR / "fixtures" / "content"))

    def handle(self, *args, path, **options):
        report = check_lab_folders(path)
        for line in report.lines:
            self.stdout.write(line)
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s):\n" + "\n".join(report.problems))
        self.stdout.write(f"{report.labs} labs: every solution passes every check, every starter fails one.")
