"""A lab's grading speaks the language of the page the learner pressed Check on: the worker grades
under the submission's language, so our rules' messages and the result's summary are in it."""

from django.utils import translation

from labs.grading import read
from labs.models import Submission
from labs.privacy import export_submissions
from labs.rules import RULES
from labs.tasks import grade_submission
from tests.labs.conftest import DOCKERFILE_FIXED, DOCKERFILE_STARTER


def messages(rule_id: str, kind: str, text: str) -> list[str]:
    return [finding.message for finding in RULES[rule_id].check(read(kind, text))]


def test_a_rule_writes_its_message_in_the_active_language():
    with translation.override("vi"):
        assert messages("non-root-user", "dockerfile", "FROM c:2\n") == [
            "Stage cuối không có lệnh USER, nên container chạy với quyền root."
        ]
        assert messages("no-latest-tag", "dockerfile", "FROM node:latest\n") == [
            "Image 'node:latest' dùng ':latest', vốn có thể thay đổi mà bạn không biết. "
            "Hãy ghim một phiên bản (name:1.2.3) hoặc một digest."
        ]
    with translation.override("en"):
        assert messages("non-root-user", "dockerfile", "FROM c:2\n") == [
            "The final stage has no USER instruction, so the container runs as root."
        ]


def test_a_check_pressed_on_a_vietnamese_page_is_graded_in_vietnamese(learner, lab):
    with translation.override("vi"):
        submission = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    assert submission.language == "vi"
    with translation.override("en"):  # the worker's own language does not matter
        grade_submission.call(submission.pk)
    submission.refresh_from_db()
    assert submission.result["status"] == "fail"
    message = submission.result["message"]
    assert "bước kiểm tra bắt buộc chưa đạt" in message or "số điểm; điểm đạt là 100\u00a0%" in message
    user = next(c for c in submission.result["checks"] if c["key"] == "user")
    assert user["message"] == "Stage cuối không có lệnh USER, nên container chạy với quyền root."


def test_an_english_page_is_graded_in_english(learner, lab):
    with translation.override("en"):
        submission = Submission.submit(learner, lab, DOCKERFILE_FIXED)
    with translation.override("vi"):
        grade_submission.call(submission.pk)
    submission.refresh_from_db()
    assert submission.language == "en" and submission.result["message"] == "Every check passed."


def test_the_language_of_a_check_is_part_of_the_data_export(learner, lab):
    with translation.override("vi"):
        Submission.submit(learner, lab, DOCKERFILE_FIXED)
    assert [item["language"] for item in export_submissions(learner)] == ["vi"]
