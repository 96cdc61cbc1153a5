from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from courses.importers import register_content_file, register_module_file
        from quizzes.importers import MisconceptionFileLoader, QuizFileLoader

        register_module_file(QuizFileLoader())
        register_content_file(MisconceptionFileLoader())

        from django.db.models.signals import post_delete, post_save

        from courses.models import ContentVersion
        from quizzes.models import Choice, Misconception, Pool, Question, Quiz

        # Quizzes are part of the cached curriculum navigation; questions and choices of cached
        # renderings (a result page): a change to any of them changes the content marker.
        for model in (Quiz, Pool, Question, Choice, Misconception):
            name = model.__name__.lower()
            post_save.connect(ContentVersion.bump, sender=model, dispatch_uid=f"content-version-save-{name}")
            post_delete.connect(ContentVersion.bump, sender=model, dispatch_uid=f"content-version-del-{name}")

        from accounts.backends import register_user_flag
        from quizzes.attempts import OPEN_TIMED_FLAG, open_timed_flag, quiz_saved

        # Pages close a learner's expired attempts before reading them, with no query for a learner
        # who has no open timed attempt (quizzes.attempts.close_expired_of).
        register_user_flag(OPEN_TIMED_FLAG, open_timed_flag())

        # A longer time limit reaches the attempts already running (quizzes.attempts.refresh_deadlines).
        post_save.connect(quiz_saved, sender=Quiz, dispatch_uid="quizzes-refresh-deadlines")

        from quizzes import privacy

        privacy.register()
