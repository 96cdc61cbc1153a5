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
        # Every content row of any app records its changes: what is derived from content follows.
        post_save.connect(_content_saved, dispatch_uid="content-changes-save")
        post_delete.connect(_content_deleted, dispatch_uid="content-changes-delete")


def _content_saved(sender, instance, created=False, raw=False, **kwargs):
    from courses import changes
    from courses.models import ImportedContent

    if isinstance(instance, ImportedContent) and not raw:
        changes.saved(instance, created=created)


def _content_deleted(sender, instance, **kwargs):
    from courses import changes
    from courses.models import ImportedContent

    if isinstance(instance, ImportedContent):
        changes.deleted(instance)
