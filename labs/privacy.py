"""The labs' part of a person's data (accounts.personal_data): the lab submissions, exported with
the account's data and deleted with the account."""

from accounts import personal_data
from labs.models import Submission


def export_submissions(user) -> list[dict]:
    """Every check the learner pressed, oldest first: the file sent and its result (labs/results.py,
    versioned). A staff member's previews of a lab are not a learner's work and stay out."""
    submissions = (
        Submission.objects.of_learners().filter(user=user).select_related("lab__module").order_by("created_at")
    )
    return [
        {
            "module": submission.lab.module.slug,
            "lab": submission.lab.key,
            "title": submission.lab.title,
            "submitted_at": submission.created_at.isoformat(),
            "graded_at": submission.graded_at.isoformat() if submission.graded_at else None,
            "artifact": submission.artifact,
            "language": submission.language,  # of the page Check was pressed on: the result is written in it
            "status": submission.status or submission.state,
            "score": submission.score,
            "max_score": submission.max_score,
            "result": submission.result,
        }
        for submission in submissions
    ]


def delete_submissions(user) -> int:
    """Delete every lab submission of ``user`` (their files may hold anything); returns how many."""
    deleted, _ = Submission.objects.filter(user=user).delete()
    return deleted


def register() -> None:
    personal_data.register("lab_submissions", export=export_submissions, delete=delete_submissions, models=[Submission])
