from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Progress")

    def ready(self):
        from progress import derived, privacy, receivers  # noqa: F401 - derived, receivers: connect the receivers

        privacy.register()
