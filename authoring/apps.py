from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthoringConfig(AppConfig):
    """Instructors' formats: workshop reports become draft modules, question banks move in and out
    as GIFT and Moodle XML. Above ``courses`` and ``quizzes``: it uses both, neither knows it."""

    name = "authoring"
    verbose_name = _("Authoring")

    def ready(self):
        from authoring import privacy

        privacy.register()
