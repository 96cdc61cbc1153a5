import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from authoring.interchange.files import export_quizzes
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Export quizzes as GIFT or Moodle XML for Moodle. Kinds a format cannot represent are written in the nearest "
        "form, with a comment, and listed on standard error."
    )

    def add_arguments(self, parser):
        parser.add_argument("quizzes", nargs="+", metavar="QUIZ", help="quiz ids, or slugs of modules (their quiz)")
        parser.add_argument("--format", choices=["gift", "moodle_xml"], default="moodle_xml")
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")

    def handle(self, *args, quizzes, format, output=None, **options):
        found = [find_quiz(name) for name in quizzes]
        exported = export_quizzes(found, format)
        if output:
            Path(output).write_text(exported.content, encoding="utf-8")
            self.stderr.write(f"Wrote {output}.")
        else:
            sys.stdout.write(exported.content)
        for line in exported.approximations:
            self.stderr.write(f"approximated: {line}")


def find_quiz(name: str) -> Quiz:
    quiz = None
    if name.isdigit():
        quiz = Quiz.objects.filter(pk=int(name)).first()
    if quiz is None:
        quiz = Quiz.objects.filter(module__slug=name, lesson__isnull=True).first()
    if quiz is None:
        raise CommandError(f"No quiz has the id “{name}”, and no module with that slug has a quiz.")
    return quiz
