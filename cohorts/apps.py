from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self):
        from accounts import menu
        from accounts.backends import register_user_flag
        from cohorts import privacy, receivers  # noqa: F401 - receivers: connect them
        from cohorts.models import LEADS_FLAG, lead_names_for, leads_flag
        from quizzes.attempts import register_granters

        register_user_flag(LEADS_FLAG, leads_flag())
        register_granters(lead_names_for)  # a learner out of attempts is told their leads' names
        menu.add_link("cohorts:join", _("Join a cohort"))
        privacy.register()
