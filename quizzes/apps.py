from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from courses.importers import register_module_file
        from quizzes.importers import QuizFileLoader

        register_module_file(QuizFileLoader())
