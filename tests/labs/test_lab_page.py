"""The learner's lab page: instructions, the editor, Check (with and without HTMX), results, history."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from labs.models import Submission, SubmissionState
from tests.factories import make_user
from tests.labs.conftest import DOCKERFILE_FIXED, DOCKERFILE_STARTER, make_lab

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "labs"]}}


def check_url(lab):
    return reverse("labs:check", args=[lab.module.path.slug, lab.module.slug, lab.slug])


def test_the_page_needs_a_login(client, lab):
    response = client.get(lab.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_shows_the_instructions_the_starter_and_the_checks(learner_client, lab):
    response = learner_client.get(lab.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fix <strong>the file</strong>." in html
    assert "FROM ubuntu:latest" in html
    assert "Check tag" in html and "Check user" in html
    assert "No check yet" in html
    assert 'name="artifact"' in html and 'for="id_artifact"' in html


def test_the_reference_solution_is_never_sent_to_learners(learner_client, lab):
    html = learner_client.get(lab.get_absolute_url()).content.decode()
    assert "curl=7.88.1" not in html


@pytest.mark.parametrize("published_lab, published_module", [(False, True), (True, False)])
def test_unpublished_labs_are_404(learner_client, module, published_lab, published_module):
    lab = make_lab(module, published=published_lab)
    module.published = published_module
    module.save()
    assert learner_client.get(lab.get_absolute_url()).status_code == 404
    assert learner_client.post(check_url(lab), {"artifact": "FROM x:1\n"}).status_code == 404


def test_checking_without_javascript_stores_grades_and_redirects(learner_client, learner, lab):
    response = learner_client.post(check_url(lab), {"artifact": DOCKERFILE_STARTER})
    submission = Submission.objects.get(user=learner)
    assert response.status_code == 302
    assert response.url == f"{lab.get_absolute_url()}?submission={submission.public_id}#result"
    assert submission.state == SubmissionState.GRADED and submission.status == "fail"
    html = learner_client.get(response.url).content.decode()
    assert "Not passed yet" in html
    assert "DL3007" in html and "Line 1" in html
    assert "Why <strong>tag</strong> matters." in html  # the explanation, with its lesson link
    assert lab.module.lessons.first().get_absolute_url() in html
    assert "0 / 5" in html  # the history


def test_the_history_says_why_a_check_did_not_pass(learner_client, module):
    """Issue 16: the history showed "3 / 5" beside "Not passed" with no reason; it says which half of the
    one rule of passing (labs.results.falls_short) was not met."""
    lab = make_lab(module, pass_mark=50)
    as_root = DOCKERFILE_FIXED.replace("USER 10001\n", "")  # 3 of 5 points, over the mark; the user check fails
    learner_client.post(check_url(lab), {"artifact": DOCKERFILE_STARTER})
    learner_client.post(check_url(lab), {"artifact": as_root})

    html = learner_client.get(lab.get_absolute_url()).content.decode()
    rows = re.findall(r"<tr[^>]*>\s*<td><time.*?</tr>", html, re.S)
    cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    assert "3 / 5 Not passed A required check fails." in cells[0]
    assert "0 / 5 Not passed Not enough points." in cells[1]


def test_a_passing_file_passes(learner_client, learner, lab):
    learner_client.post(check_url(lab), {"artifact": DOCKERFILE_FIXED})
    submission = Submission.objects.get(user=learner)
    assert (submission.status, submission.score, submission.max_score, submission.percent) == ("pass", 5, 5, 100)
    html = learner_client.get(lab.get_absolute_url()).content.decode()
    assert "Passed" in html and "5 of 5 points (100%)" in html


def test_checking_with_htmx_returns_the_result_panel_and_the_history(learner_client, lab):
    response = learner_client.post(check_url(lab), {"artifact": DOCKERFILE_STARTER}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="lab-result"')
    assert "<html" not in html
    assert 'id="lab-history"' in html and 'hx-swap-oob="true"' in html


@override_settings(TASKS=DUMMY_TASKS)
def test_a_check_sent_with_htmx_answers_without_reading_the_checks_or_building_the_form(
    learner_client, learner, lab, django_assert_max_num_queries
):
    """A room pressing Check in the same second: each answer is the "Checking…" panel and the history,
    which need neither the lab's checks nor the editor (the full page reads those)."""
    for n in range(3):  # the count stays the same with a longer history
        with CaptureQueriesContext(connection) as queries:
            response = learner_client.post(
                check_url(lab), {"artifact": f"{DOCKERFILE_STARTER}# try {n}\n"}, HTTP_HX_REQUEST="true"
            )
        html = response.content.decode()
        assert "Checking…" in html and 'id="lab-history"' in html and "<textarea" not in html
        assert "labs_check" not in " ".join(query["sql"] for query in queries.captured_queries)
        assert len(queries.captured_queries) <= 12  # 10, and the test transaction's savepoint and release
    assert Submission.objects.filter(user=learner).count() == 3


@override_settings(TASKS=DUMMY_TASKS)
def test_a_pending_check_polls_with_htmx_and_offers_a_refresh_link(learner_client, learner, lab):
    learner_client.post(check_url(lab), {"artifact": DOCKERFILE_STARTER})
    submission = Submission.objects.get(user=learner)
    assert submission.state == SubmissionState.QUEUED  # the dummy backend runs nothing
    html = learner_client.get(lab.get_absolute_url()).content.decode()
    poll = reverse("labs:submission", args=[submission.public_id])
    assert "Checking…" in html
    assert f'hx-get="{poll}"' in html
    assert 750 <= poll_delay(html) <= 1250  # about a second
    assert f'href="{lab.get_absolute_url()}?submission={submission.public_id}#result"' in html  # without JS
    fragment = learner_client.get(poll, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="lab-result"') and "Checking…" in fragment
    assert "hx-swap-oob" not in fragment  # the history changes when it is graded
    submission.record(
        {
            "status": "pass",
            "score": 5,
            "max_score": 5,
            "percent": 100,
            "checks": [],
            "message": "Every check passed.",
            "other_findings": [],
            "tools": {},
        }
    )
    fragment = learner_client.get(poll, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in fragment.split('id="lab-history"')[0]  # polling stops
    assert "Passed" in fragment and 'hx-swap-oob="true"' in fragment


def poll_delay(html: str) -> int:
    """The milliseconds after which the result panel asks again (its hx-trigger)."""
    return int(re.search(r'hx-trigger="load delay:(\d+)ms"', html).group(1))


@override_settings(TASKS=DUMMY_TASKS)
def test_a_pending_poll_reads_neither_the_file_nor_the_result_nor_the_checks(learner_client, learner, lab):
    submission = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    poll = reverse("labs:submission", args=[submission.public_id])
    with CaptureQueriesContext(connection) as queries:
        fragment = learner_client.get(poll, HTTP_HX_REQUEST="true").content.decode()
    assert "Checking…" in fragment and f'hx-get="{poll}"' in fragment
    assert f'href="{lab.get_absolute_url()}?submission={submission.public_id}#result"' in fragment
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert len(queries.captured_queries) == 3  # the session, the learner, the submission
    assert '"labs_submission"."artifact"' not in sql and '"labs_submission"."result"' not in sql
    assert '"labs_lab"."starter"' not in sql and "labs_check" not in sql


@override_settings(TASKS=DUMMY_TASKS)
def test_a_long_wait_is_polled_less_often_and_a_room_does_not_poll_in_step(learner, lab):
    submission = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    start = submission.created_at
    first = {submission.poll_delay_ms(start) for _ in range(50)}
    assert all(750 <= delay <= 1250 for delay in first)
    assert len(first) > 10  # spread out: thirty learners who pressed Check together drift apart
    assert all(1500 <= submission.poll_delay_ms(start + timedelta(seconds=10)) <= 2500 for _ in range(20))
    assert all(3000 <= submission.poll_delay_ms(start + timedelta(minutes=2)) <= 5000 for _ in range(20))


def test_the_poll_url_without_htmx_goes_to_the_lab_page(learner_client, learner, lab):
    submission = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    response = learner_client.get(reverse("labs:submission", args=[submission.public_id]))
    assert response.status_code == 302
    assert response.url == f"{lab.get_absolute_url()}?submission={submission.public_id}#result"


def test_another_learners_submission_is_404(client, learner, lab):
    submission = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    client.force_login(make_user("nosy"))
    assert client.get(reverse("labs:submission", args=[submission.public_id])).status_code == 404
    assert (
        client.get(reverse("labs:submission", args=[submission.public_id]), HTTP_HX_REQUEST="true").status_code == 404
    )
    assert client.get(f"{lab.get_absolute_url()}?submission={submission.public_id}").status_code == 404
    assert client.get(f"{lab.get_absolute_url()}?submission=not-a-uuid").status_code == 404


def test_a_submission_of_another_lab_is_404_on_this_lab(learner_client, learner, module, lab):
    other = make_lab(module, slug="other")
    submission = Submission.submit(learner, other, DOCKERFILE_STARTER)
    assert learner_client.get(f"{lab.get_absolute_url()}?submission={submission.public_id}").status_code == 404


def test_an_earlier_version_can_be_opened_and_reset_shows_the_starter(learner_client, learner, lab):
    first = Submission.submit(learner, lab, "FROM first:1\n")
    Submission.submit(learner, lab, "FROM second:2\n")
    latest = learner_client.get(lab.get_absolute_url()).content.decode()
    assert "FROM second:2" in latest and "FROM first:1" not in latest
    earlier = learner_client.get(f"{lab.get_absolute_url()}?submission={first.public_id}").content.decode()
    assert "FROM first:1" in earlier
    reset = learner_client.get(f"{lab.get_absolute_url()}?starter=1").content.decode()
    assert "FROM ubuntu:latest" in reset and "FROM second:2" not in reset


def test_a_file_over_the_limit_is_refused_and_kept_in_the_editor(learner_client, learner, lab):
    text = "FROM x:1\n" + "# padding\n" * 2000
    response = learner_client.post(check_url(lab), {"artifact": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "the limit for this lab is 16 KB" in html
    assert "# padding" in html
    assert not Submission.objects.exists()
    htmx = learner_client.post(check_url(lab), {"artifact": text}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and "the limit for this lab is 16 KB" in htmx.content.decode()


def test_an_empty_file_is_a_form_error(learner_client, lab):
    response = learner_client.post(check_url(lab), {"artifact": "  \n"})
    assert response.status_code == 400
    assert "The file is empty" in response.content.decode()


@override_settings(TASKS=DUMMY_TASKS, LABS_CHECKS_PER_MINUTE=10)
def test_ten_checks_a_minute_then_a_plain_message_and_the_file_is_kept(learner_client, learner, lab):
    for n in range(10):
        assert learner_client.post(check_url(lab), {"artifact": f"FROM x:{n}\n"}).status_code == 302
    response = learner_client.post(check_url(lab), {"artifact": "FROM eleventh:1\n"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "You pressed Check 10 times in the last minute" in html and "your file is kept" in html
    assert "FROM eleventh:1" in html
    assert Submission.objects.filter(user=learner).count() == 10
    htmx = learner_client.post(check_url(lab), {"artifact": "FROM x:1\n"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and "You pressed Check 10 times" in htmx.content.decode()


@override_settings(TASKS=DUMMY_TASKS)
def test_the_limit_is_per_learner_and_over_the_last_minute(client, learner, other_learner, lab, time_machine):
    time_machine.move_to("2026-11-29 10:00:00+00:00", tick=False)
    for n in range(10):  # ten different files (the same file again at once would be the same check)
        Submission.submit(learner, lab, f"FROM x:{n}\n")
    client.force_login(other_learner)
    assert client.post(check_url(lab), {"artifact": "FROM x:1\n"}).status_code == 302
    client.force_login(learner)
    assert client.post(check_url(lab), {"artifact": "FROM y:1\n"}).status_code == 429
    time_machine.shift(61)
    assert client.post(check_url(lab), {"artifact": "FROM y:1\n"}).status_code == 302


@override_settings(TASKS=DUMMY_TASKS)
def test_the_same_file_checked_twice_at_once_is_one_check(client, learner, lab, time_machine):
    """A double click on Check sent two POSTs and stored (and graded) two identical submissions."""
    time_machine.move_to("2026-11-29 10:00:00+00:00", tick=False)
    client.force_login(learner)
    first = client.post(check_url(lab), {"artifact": "FROM x:1\n"})
    second = client.post(check_url(lab), {"artifact": "FROM x:1\n"})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Submission.objects.filter(user=learner).count() == 1
    client.post(check_url(lab), {"artifact": "FROM x:2\n"})  # another file is another check
    time_machine.shift(Submission.REPEAT_SECONDS + 1)
    client.post(check_url(lab), {"artifact": "FROM x:2\n"})  # the same file later: checked again
    assert Submission.objects.filter(user=learner).count() == 3


def test_check_needs_a_csrf_token(lab, learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(check_url(lab), {"artifact": "FROM x:1\n"}).status_code == 403


def test_the_labs_index_lists_published_labs_with_the_learners_standing(learner_client, learner, module, lab):
    make_lab(module, slug="hidden", published=False)
    Submission.submit(learner, lab, DOCKERFILE_FIXED).record(
        {
            "status": "pass",
            "score": 5,
            "max_score": 5,
            "percent": 100,
            "checks": [],
            "message": "",
            "other_findings": [],
            "tools": {},
        }
    )
    html = learner_client.get(reverse("labs:index")).content.decode()
    assert lab.title in html and "Lab hidden" not in html
    assert "Passed" in html


def test_the_module_page_lists_its_labs(learner_client, module, lab):
    html = learner_client.get(module.get_absolute_url()).content.decode()
    assert "Hands-on labs" in html and lab.get_absolute_url() in html


def test_the_lab_page_makes_a_fixed_number_of_queries(learner_client, learner, lab, django_assert_max_num_queries):
    def page():
        with django_assert_max_num_queries(12):
            assert learner_client.get(lab.get_absolute_url()).status_code == 200

    Submission.submit(learner, lab, DOCKERFILE_STARTER)
    page()
    for _ in range(15):
        Submission.objects.create(user=learner, lab=lab, artifact=DOCKERFILE_STARTER)
    page()


def test_the_poll_makes_a_fixed_number_of_queries(learner_client, learner, lab, django_assert_max_num_queries):
    submission = Submission.submit(learner, lab, DOCKERFILE_STARTER)
    for _ in range(15):
        Submission.objects.create(user=learner, lab=lab, artifact=DOCKERFILE_STARTER)
    with django_assert_max_num_queries(8):
        learner_client.get(reverse("labs:submission", args=[submission.public_id]), HTTP_HX_REQUEST="true")


def test_learner_text_quoted_by_a_tool_is_escaped(learner_client, learner, module):
    lab = make_lab(
        module,
        slug="k8s",
        kind="kubernetes",
        starter="a: 1\n",
        solution="a: 1\n",
        checks=[("probes", "devopslearn", "k8s-probes", 1)],
    )
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        '    - name: "<script>alert(1)</script>"\n      image: "nginx:1.27"\n'
    )
    learner_client.post(check_url(lab), {"artifact": pod})
    html = learner_client.get(lab.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_lab_of_a_locked_module_says_why_and_what_opens_it(learner_client, lab_path, lab):
    first, later = lab_path.modules.get(slug="m1"), lab_path.modules.get(slug="m2")
    locked = make_lab(later, slug="later")
    html = learner_client.get(locked.get_absolute_url()).content.decode()
    assert "This lab’s module is locked: finish" in html
    assert f'<a href="{first.get_absolute_url()}">{first.title}</a>' in html  # what opens it, a link
    assert "You can already try the lab here" in html
    assert "This lab’s module is locked" not in learner_client.get(lab.get_absolute_url()).content.decode()
    index = learner_client.get(reverse("labs:index")).content.decode()
    sections = {
        m.pk: re.search(rf'<section class="card" aria-labelledby="module-{m.pk}">.*?</section>', index, re.S).group(0)
        for m in (first, later)
    }
    assert "This lab’s module is locked: finish" in sections[later.pk] and "Locked</span>" in sections[later.pk]
    assert "locked" not in sections[first.pk].lower()


def test_a_failing_required_check_is_named_in_the_verdict_and_full_points_do_not_read_as_a_pass(
    learner_client, learner, lab
):
    """Every point earned, but the suppression check (required, no points) fails: the verdict says why,
    naming the check, and the points are not shown as a pass ("Not passed yet · 5 of 5 points (100%)")."""
    suppressed = DOCKERFILE_FIXED.replace("USER 10001\n", "# hadolint ignore=DL3002\nUSER 10001\n")
    learner_client.post(check_url(lab), {"artifact": suppressed})
    submission = Submission.objects.get(user=learner)
    assert (submission.status, submission.score, submission.max_score) == ("fail", 5, 5)
    html = learner_client.get(lab.get_absolute_url()).content.decode()
    verdict = html.split('<div class="verdict verdict-fail">')[1].split("</div>")[0]
    assert "Not passed yet</strong>: a required check fails" in verdict
    assert "<li><strong>No comment or setting switches a check off</strong></li>" in verdict
    assert "Points: 5 of 5 (100%). A pass needs 100% of the points and every required check." in verdict
    assert "5 of 5 points (100%)" not in html


def test_falls_short_is_the_one_rule_of_passed():
    from labs.results import CheckSpec, falls_short, summary

    def graded(points_failing: int, required_failing: bool, pass_mark: int) -> dict:
        checks = [
            CheckSpec("a", "A", "hadolint", ("DL1",), 8, True).verdict([]),
            {**CheckSpec("b", "B", "hadolint", ("DL2",), 2, False).verdict([]), "status": "fail", "points": 0}
            if points_failing
            else CheckSpec("b", "B", "hadolint", ("DL2",), 2, False).verdict([]),
            {**CheckSpec("c", "C", "devopslearn", ("x",), 0, True).verdict([]), "status": "fail"}
            if required_failing
            else CheckSpec("c", "C", "devopslearn", ("x",), 0, True).verdict([]),
        ]
        return summary(checks, pass_mark, [], {}, {})

    for points_failing in (0, 1):
        for required_failing in (False, True):
            for pass_mark in (80, 100):
                result = graded(points_failing, required_failing, pass_mark)
                short = falls_short(result)
                assert short["below_mark"] == (points_failing and pass_mark == 100)
                assert bool(short["required"]) == required_failing
                assert (result["status"] == "pass") == (not short["required"] and not short["below_mark"])


def test_after_a_refused_file_the_result_shown_says_it_is_of_the_previous_check(learner_client, learner, lab):
    learner_client.post(check_url(lab), {"artifact": DOCKERFILE_STARTER})
    latest = learner_client.get(lab.get_absolute_url()).content.decode()
    assert "Your latest check, from" in latest and "previous check" not in latest
    too_large = "FROM x:1\n" + "# padding\n" * 2000
    for headers in ({}, {"HX-Request": "true"}):
        html = learner_client.post(check_url(lab), {"artifact": too_large}, headers=headers).content.decode()
        assert "the limit for this lab is 16 KB" in html
        assert "The result below is of your previous check, from" in html and ", not of this file." in html
        assert "Your latest check" not in html


def test_an_earlier_check_is_labelled_with_its_time_and_links_to_the_latest(learner_client, learner, lab):
    first = Submission.submit(learner, lab, "FROM first:1\n")
    Submission.submit(learner, lab, "FROM second:2\n")
    Submission.objects.update(state=SubmissionState.GRADED, status="fail", result={"status": "fail", "checks": []})
    earlier = learner_client.get(f"{lab.get_absolute_url()}?submission={first.public_id}").content.decode()
    assert "An earlier check, from" in earlier
    assert f'<a href="{lab.get_absolute_url()}#result">Show my latest check</a>' in earlier
    latest = learner_client.get(lab.get_absolute_url()).content.decode()
    assert "Your latest check, from" in latest and "An earlier check" not in latest


def test_every_findings_line_is_a_link_to_the_editor(learner_client, learner, lab):
    """Seven RUN lines without --no-install-recommends: seven findings of one check, each line a link
    (the first five were links, the others not shown)."""
    runs = "".join(f"RUN apt-get install -y tool{n}=1.0\n" for n in range(7))
    learner_client.post(check_url(lab), {"artifact": f"FROM debian:12.8-slim\n{runs}USER 10001\n"})
    html = learner_client.get(lab.get_absolute_url()).content.decode()
    checks = html.split('<ol class="check-results">')[1]
    recommends = checks.split("<strong>Check recommends</strong>")[1].split('<li class="check-result')[0]
    for line in range(2, 9):
        assert f'<a class="line-link" href="#id_artifact" data-line="{line}">Line {line}:</a>' in recommends, line
    assert "2 more findings of this check" in recommends
