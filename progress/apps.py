from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Progress")

    def ready(self):
        from progress import privacy, receivers  # noqa: F401 - receivers: connects the signal receivers

        privacy.register()
