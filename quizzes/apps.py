from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from courses.importers import register_module_file
        from quizzes.importers import QuizFileLoader

        register_module_file(QuizFileLoader())

        from django.db.models.signals import post_delete, post_save

        from courses.models import ContentVersion
        from quizzes.models import Quiz

        # Which module has a published quiz is part of the cached curriculum navigation.
        post_save.connect(ContentVersion.bump, sender=Quiz, dispatch_uid="content-version-save-quiz")
        post_delete.connect(ContentVersion.bump, sender=Quiz, dispatch_uid="content-version-del-quiz")
