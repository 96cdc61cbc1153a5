"""A learner's lab submissions are in their data export and go with their account."""

from accounts import personal_data
from labs.models import Submission
from labs.privacy import delete_submissions
from tests.labs.conftest import DOCKERFILE_STARTER


def test_the_export_holds_each_submission_with_its_file_and_result(learner, other_learner, lab):
    graded = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    graded.record(
        {
            "status": "fail",
            "score": 2,
            "max_score": 5,
            "percent": 40,
            "checks": [],
            "message": "m",
            "other_findings": [],
            "tools": {},
        }
    )
    Submission.submit(learner, lab, "FROM waiting:1\n")
    Submission.submit(other_learner, lab, "FROM theirs:1\n")
    Submission.submit(learner, lab, "FROM preview:1\n", preview=True)
    exported = personal_data.export_data(learner)["lab_submissions"]  # through the account's export
    assert [item["artifact"] for item in exported] == [DOCKERFILE_STARTER, "FROM waiting:1\n"]
    first = exported[0]
    assert (first["lab"], first["status"], first["score"], first["max_score"]) == ("harden", "fail", 2, 5)
    assert first["result"]["message"] == "m"
    assert exported[1]["status"] == "queued"


def test_deleting_removes_the_learners_submissions_only(learner, other_learner, lab):
    Submission.submit(learner, lab, DOCKERFILE_STARTER)
    Submission.submit(learner, lab, DOCKERFILE_STARTER, preview=True)
    theirs = Submission.submit(other_learner, lab, DOCKERFILE_STARTER)
    assert delete_submissions(learner) == 2
    assert list(Submission.objects.all()) == [theirs]


def test_deleting_the_account_deletes_them_too(learner, lab):
    Submission.submit(learner, lab, DOCKERFILE_STARTER)
    learner.delete()
    assert not Submission.objects.exists()
