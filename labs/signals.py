"""What the labs app announces; higher apps (progress, cohorts) listen. Sent inside the transaction
that stores the graded result."""

from django.dispatch import Signal

# user, lab, submission: the learner's first passing submission of the lab (their best result on the
# lab just changed to passing). Sent once per learner and lab: later passes do not send it again.
lab_passed = Signal()
# submission: any graded submission, learners' and staff previews alike (submission.preview tells).
submission_graded = Signal()
