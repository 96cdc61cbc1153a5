"""What the quiz app announces; the progress app listens. Sent inside the writing transaction."""

from django.dispatch import Signal

# attempt: the Attempt that was just closed (submitted, or its time ran out).
attempt_closed = Signal()
# attempt: an Attempt whose score a regrade changed; previous_percent, previous_passed: before.
attempt_regraded = Signal()
# responses: the Responses whose points a regrade changed (each with its attempt), after the attempts'
# attempt_regraded signals: review cards follow the new verdicts.
answers_regraded = Signal()
# response: a Response the learner just gave (for review cards and activity).
question_answered = Signal()
