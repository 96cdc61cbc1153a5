from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self):
        from accounts import menu
        from accounts.backends import register_user_flag
        from cohorts import privacy
        from cohorts.models import LEADS_FLAG, leads_flag

        register_user_flag(LEADS_FLAG, leads_flag())
        menu.add_link("cohorts:join", _("Join a cohort"))
        privacy.register()
