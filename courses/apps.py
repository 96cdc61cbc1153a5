from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Course content")

    def ready(self):
        from courses.models import ContentVersion, ImportedContent, LearningPath, Lesson, Module
        from devopslearn.lib import fragments

        for model in (LearningPath, Module, Lesson):
            post_save.connect(ContentVersion.bump, sender=model, dispatch_uid=f"content-version-save-{model.__name__}")
            post_delete.connect(ContentVersion.bump, sender=model, dispatch_uid=f"content-version-del-{model.__name__}")
        m2m_changed.connect(
            ContentVersion.bump, sender=Module.prerequisites.through, dispatch_uid="content-version-m2m"
        )
        # Every content model moves the marker when it changes (quizzes connects its own): cached
        # fragments key content by the marker (tests/test_fragments.py checks every subclass).
        fragments.content(ImportedContent)
