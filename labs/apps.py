import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "labs"
    verbose_name = _("Labs")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from courses.importers import register_module_file
        from courses.models import ContentVersion
        from labs import checks, privacy  # noqa: F401 - checks: registers the system checks
        from labs.importers import LabsFolderLoader
        from labs.models import Check, Lab

        register_module_file(LabsFolderLoader())
        privacy.register()
        for model in (Lab, Check):
            name = model.__name__.lower()
            post_save.connect(ContentVersion.bump, sender=model, dispatch_uid=f"content-version-save-lab-{name}")
            post_delete.connect(ContentVersion.bump, sender=model, dispatch_uid=f"content-version-del-lab-{name}")
        if os.environ.get("DEVOPSLEARN_GRADER") == "1":
            # A grading worker (bin/serve starts it so): import the heavy tools once, at start-up, so
            # that the first learner does not wait for them.
            from labs import tools

            tools.preload()
