from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self):
        from accounts.backends import register_user_flag
        from cohorts.models import LEADS_FLAG, LEADS_FLAG_SQL

        register_user_flag(LEADS_FLAG, LEADS_FLAG_SQL)
