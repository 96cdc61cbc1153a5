from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seeds import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo accounts (learner, instructor, lead) and the demo cohort. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (demo passwords are public).")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a public password; with DEBUG off, pass --force to do it anyway."
            )
        report = seed_demo()
        self.stdout.write(report)
        self.stdout.write(
            f"\nDemo accounts (password for all: {DEMO_PASSWORD}):\n"
            "  learner     a learner in the Demo cohort\n"
            "  instructor  staff: authors content in /admin/\n"
            "  lead        leads the Demo cohort: see Cohorts in the menu\n"
        )
