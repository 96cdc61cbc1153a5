"""The labs' part of a learner's data: exported with the account's data, deleted with the account.

To be registered with the account data registry (devopslearn/privacy.py) as
``{"lab_submissions": labs.privacy.export_user}`` for the export and ``labs.privacy.delete_user``
for the deletion.
"""

from labs.models import Submission


def export_user(user) -> dict:
    """{"lab_submissions": [...]}: every check the learner pressed, with the file sent and its result
    (labs/results.py, versioned), oldest first."""
    submissions = (
        Submission.objects.of_learners().filter(user=user).select_related("lab__module").order_by("created_at")
    )
    return {
        "lab_submissions": [
            {
                "module": submission.lab.module.slug,
                "lab": submission.lab.key,
                "title": submission.lab.title,
                "submitted_at": submission.created_at.isoformat(),
                "graded_at": submission.graded_at.isoformat() if submission.graded_at else None,
                "artifact": submission.artifact,
                "status": submission.status or submission.state,
                "score": submission.score,
                "max_score": submission.max_score,
                "result": submission.result,
            }
            for submission in submissions
        ]
    }


def delete_user(user) -> int:
    """Delete every lab submission of ``user`` (their files may hold anything); returns how many."""
    deleted, _ = Submission.objects.filter(user=user).delete()
    return deleted
