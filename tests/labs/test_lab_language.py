"""A lab's grading speaks the language of the page the learner pressed Check on: the worker grades
under the submission's language, so our rules' messages and the result's summary are in it."""

from django.urls import reverse
from django.utils import translation

from labs.grading import read
from labs.messages import written
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


def switch_to(client, language: str) -> None:
    """The learner picks a language with the header's switcher (a cookie, and their account's preference)."""
    client.post(reverse("accounts:set_language"), {"language": language, "next": "/"})


def test_a_result_graded_in_english_reads_in_vietnamese_once_the_learner_switches(learner_client, learner, lab):
    with translation.override("en"):
        passed = Submission.submit(learner, lab, DOCKERFILE_FIXED)
    grade_submission.call(passed.pk)
    passed.refresh_from_db()
    assert passed.result["message"] == "Every check passed."  # stored as graded (the data export keeps it)
    switch_to(learner_client, "vi")
    page = learner_client.get(f"{lab.get_absolute_url()}?submission={passed.public_id}").text
    assert 'lang="vi"' in page[:200]
    assert "Mọi bước kiểm tra đều đạt." in page and "Every check passed." not in page
    # the check every lab has, by its Vietnamese name, in the result and in "What is checked"
    assert "No comment or setting switches a check off" not in page
    assert page.count("Không có chú thích hay thiết lập nào tắt một bước kiểm tra") == 2


def test_a_failed_result_keeps_the_tools_words_marked_english_and_writes_ours_in_the_pages_language(
    learner_client, learner, lab
):
    with translation.override("en"):
        failed = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    grade_submission.call(failed.pk)
    switch_to(learner_client, "vi")
    page = learner_client.get(f"{lab.get_absolute_url()}?submission={failed.public_id}").text
    assert "Chưa đạt</strong>: có 3 bước kiểm tra bắt buộc chưa đạt" in page and "required checks fail" not in page
    assert '<span lang="en">Using latest is prone to errors if the image will ever update.' in page  # hadolint's
    assert "<span>Stage cuối không có lệnh USER, nên container chạy với quyền root.</span>" in page  # ours
    # the tools' words stay in English, and the page says so once, in its own language (issue 16)
    assert page.count("Thông báo của hadolint được giữ nguyên như công cụ viết (tiếng Anh).") == 1
    # each line number links to the editor (static/js/labs.js puts the caret there)
    assert '<a class="line-link" href="#id_artifact" data-line="1">Dòng 1:</a>' in page
    switch_to(learner_client, "en")
    page = learner_client.get(f"{lab.get_absolute_url()}?submission={failed.public_id}").text
    assert "Not passed yet</strong>: 3 required checks fail" in page
    assert "<span>The final stage has no USER instruction, so the container runs as root.</span>" in page
    assert "as the tool writes them" not in page  # an English page needs no note


def test_a_result_stored_before_messages_kept_their_msgid_shows_them_marked_with_their_language(
    learner_client, learner, lab
):
    with translation.override("en"):
        failed = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    grade_submission.call(failed.pk)
    failed.refresh_from_db()
    for check in failed.result["checks"]:
        for finding in check["findings"]:
            finding.pop("text", None)
    Submission.objects.filter(pk=failed.pk).update(result=failed.result)
    switch_to(learner_client, "vi")
    page = learner_client.get(f"{lab.get_absolute_url()}?submission={failed.public_id}").text
    assert '<span lang="en">The final stage has no USER instruction, so the container runs as root.</span>' in page


def test_our_messages_are_written_in_the_language_of_the_page_that_shows_them(learner_client, learner, lab):
    """Graded on a Vietnamese page, read on an English one: our rule's finding and the summary in English
    (no lang mark: they are the page's language); the tool's words stay as the tool wrote them."""
    with translation.override("vi"):
        failed = Submission.submit(learner, lab, DOCKERFILE_STARTER)
        grade_submission.call(failed.pk)
    failed.refresh_from_db()
    user = next(c for c in failed.result["checks"] if c["key"] == "user")
    assert user["findings"][0]["message"] == "Stage cuối không có lệnh USER, nên container chạy với quyền root."
    switch_to(learner_client, "en")
    page = learner_client.get(f"{lab.get_absolute_url()}?submission={failed.public_id}").text
    assert "<span>The final stage has no USER instruction, so the container runs as root.</span>" in page
    assert "Stage cuối" not in page
    assert '<span lang="en">Using latest is prone to errors if the image will ever update.' in page  # hadolint's


def test_an_error_result_is_written_in_the_language_of_the_page(learner_client, learner, lab):
    from datetime import timedelta

    from django.utils import timezone

    from labs import grading, messages

    with translation.override("vi"):
        stuck = Submission.submit(learner, lab, DOCKERFILE_STARTER)
        stuck.task_id = "lost"  # enqueued, and no worker ever took it
        assert stuck.sweep_if_stale(now=timezone.now() + Submission.QUEUE_PATIENCE + timedelta(minutes=1))
    stuck.refresh_from_db()
    assert stuck.result["status"] == "error" and "mười phút" in stuck.result["message"]
    switch_to(learner_client, "en")
    page = learner_client.get(f"{lab.get_absolute_url()}?submission={stuck.public_id}").text
    assert "<p>No checker was free to check this file for ten minutes." in page and "mười phút" not in page
    # a message inside a message ("line 2: " in "The YAML does not parse (...)"), the parser's words kept
    spec = grading.LabSpec(kind="kubernetes", pass_mark=100, checks=())
    with translation.override("vi"):
        broken = grading.grade(spec, "kind: Pod\nmetadata: [\n")
    with translation.override("en"):
        assert messages.written(broken).startswith("The YAML does not parse (line ")
    with translation.override("vi"):
        assert messages.written(broken) == broken["message"]
    # a stored text that does not fit its msgid falls back to the stored message, never an error page
    assert messages.written({"message": "kept", "text": {"id": "%(x)s", "args": {}}}) == "kept"


def test_the_selector_rules_missing_label_is_written_in_the_language_of_the_page():
    """Issue 16: "missing" (a selector's label the pod template lacks) stayed in the grading's language."""
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector:\n"
        "    matchLabels: {app: web, tier: front}\n  template:\n    metadata:\n      labels: {app: web}\n"
    )
    with translation.override("en"):
        (finding,) = RULES["k8s-selector-matches"].check(read("kubernetes", deployment))
        stored = finding.as_dict()
        assert "(tier: front vs missing)" in stored["message"]
    with translation.override("vi"):
        assert "(tier: front so với thiếu)" in written(stored)
