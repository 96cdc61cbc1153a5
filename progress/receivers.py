"""The progress app reacts to what the content and quiz apps announce, in their transaction."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.models import Lesson, Module
from progress import rebuild, services
from progress.models import ModuleProgress
from quizzes.models import Attempt
from quizzes.signals import attempt_closed, attempt_regraded, question_answered


@receiver(attempt_closed, sender=Attempt)
def on_attempt_closed(sender, attempt: Attempt, **kwargs):
    if attempt.user_id is None or attempt.quiz.lesson_id is not None:
        return
    services.update_progress(attempt.user, attempt.quiz.module)
    services.record_activity(attempt.user, attempt.submitted_at, attempts_closed=1)


@receiver(attempt_regraded, sender=Attempt)
def on_attempt_regraded(sender, attempt: Attempt, **kwargs):
    if attempt.user_id is None or attempt.quiz.lesson_id is not None:
        return
    # Sticky: a pass turned into a fail keeps the module completed (nothing it unlocked re-locks);
    # a fail turned into a pass may complete the module, and the path with it.
    services.update_progress(attempt.user, attempt.quiz.module)


@receiver(question_answered)
def on_question_answered(sender, response, **kwargs):
    user = response.attempt.user
    if user is None:
        return
    services.record_answer_for_review(user, response.question, response.fraction, response.answered_at)
    services.record_activity(user, response.answered_at, questions_answered=1)


@receiver([post_save, post_delete], sender=Lesson)
def on_lesson_changed(sender, instance: Lesson, **kwargs):
    """A lesson added, removed, published or unpublished changes the lesson counts of its module.
    Completed modules stay completed; other rows are recounted in one pass over the module."""
    if kwargs.get("raw"):
        return
    module = Module.objects.filter(pk=instance.module_id).first()  # gone when the module itself is deleted
    users = list(ModuleProgress.objects.filter(module_id=instance.module_id).values_list("user_id", flat=True))
    if module is not None and users:
        rebuild.rebuild(users, [module])
        # A lesson removed or unpublished may complete the module, and the path with it.
        services.issue_certificates(module.path, users)
