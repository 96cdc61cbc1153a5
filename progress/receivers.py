"""The progress app reacts to what the quiz app announces, in its transaction (content changes:
progress.derived)."""

from django.dispatch import receiver

from labs.models import Lab
from labs.signals import lab_passed
from progress import services
from quizzes.models import Attempt
from quizzes.signals import attempt_closed, attempt_regraded, question_answered


@receiver(attempt_closed, sender=Attempt)
def on_attempt_closed(sender, attempt: Attempt, **kwargs):
    if attempt.user_id is None:
        return
    # A question left unanswered is missed like a wrong answer: it gets (or reschedules) its review
    # card, as the result page and practice count it (ResponseQuerySet.missed).
    for response in attempt.responses.filter(answered=False).select_related("question__quiz"):
        services.record_answer_for_review(attempt.user, response.question, response.fraction, attempt.submitted_at)
    if attempt.quiz.lesson_id is not None:
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


@receiver(lab_passed, sender=Lab)
def on_lab_passed(sender, user, lab: Lab, submission, **kwargs):
    """A learner's first pass of a lab counts toward the module's completion (a later failing
    submission takes nothing back: the pass stays in the ground truth, and completion is sticky)."""
    services.update_progress(user, lab.module)
