"""What the progress app announces; higher apps (cohorts) listen. Sent inside the writing transaction."""

from django.dispatch import Signal

# user_ids: the learners whose module progress rows were just written (None: every learner);
# path_ids: the paths whose shape or rows changed (None: any path). Kept figures follow it.
progress_changed = Signal()
# user_id, day: an action (ACTIVITY_COUNTS) was counted on this day of the learner's calendar.
activity_recorded = Signal()
