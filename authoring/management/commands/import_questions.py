from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from authoring.interchange.files import BankFileError, read_bank
from authoring.interchange.store import import_bank
from authoring.management.commands.export_questions import find_quiz
from authoring.models import QuestionImport


class Command(BaseCommand):
    help = (
        "Import a Moodle question bank (GIFT or Moodle XML) into a quiz. Unsupported kinds (essay, cloze, ...) are "
        "listed by name and line; weights our partial-credit rule cannot express are imported with a warning. "
        "Questions are imported unpublished unless --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .gift/.txt (GIFT) or .xml (Moodle XML) file")
        parser.add_argument("--quiz", required=True, help="the quiz: its id, or the slug of the module whose quiz")
        parser.add_argument("--format", choices=["gift", "moodle_xml"], help="default: from the file's name or content")
        parser.add_argument("--pool", default="", help="put every question in this pool of the quiz (title or key)")
        parser.add_argument("--publish", action="store_true", help="publish the imported questions at once")

    def handle(self, *args, file, quiz, format=None, publish=False, pool="", **options):
        target = find_quiz(quiz)
        path = Path(file)
        try:
            file_format, bank = read_bank(path.name, path.read_bytes(), format)
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror}).") from None
        except BankFileError as error:
            raise CommandError(str(error)) from None
        result = import_bank(bank, target, publish=publish, pool=pool)
        report = "\n".join(result.lines())
        if not result.ok:
            raise CommandError(report)
        QuestionImport.objects.create(
            quiz=target,
            source_name=path.name[:255],
            file_format=file_format,
            created=len(result.created),
            skipped=len(bank.skipped),
            warnings=len(bank.warnings),
            report=report,
        )
        self.stdout.write(report)
