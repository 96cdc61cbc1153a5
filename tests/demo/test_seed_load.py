"""seed_load streams: a batch of learners at a time, in memory that does not grow with the cohort."""

import gc
import io
import tracemalloc

from django.core.management import call_command

from cohorts.models import Cohort
from demo.seeds import seed_load
from progress.models import Certificate, DailyActivity, LessonCompletion, ModuleProgress, ReviewCard
from quizzes.models import Attempt, Response, ResponseChoice


def peak_bytes(**kwargs) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        seed_load(**kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_its_memory_does_not_grow_with_the_cohort(curriculum):
    seed_load(learners=3, batch=3, cohort_slug="warm-up")  # the first run fills per-process caches
    small = peak_bytes(learners=6, batch=3, cohort_slug="small")
    large = peak_bytes(learners=24, batch=3, cohort_slug="large")
    assert Cohort.objects.get(slug="large").memberships.count() == 24
    # Holding the whole cohort would need about four times as much; a batch at a time, the same.
    assert large < 1.5 * small, f"peak {small / 1e6:.1f} MB for 6 learners, {large / 1e6:.1f} MB for 24"


def test_it_writes_everything_the_dashboards_and_the_bench_read(curriculum):
    report = seed_load(learners=25, batch=7, seed=5)
    assert report.startswith("Load data: 25 learners,")
    cohort = Cohort.objects.get(slug="load-cohort")
    assert cohort.leads.filter(username="load-lead").exists()
    members = cohort.memberships.values("user_id")
    assert sorted(cohort.memberships.values_list("user__username", flat=True)) == [
        f"load-{i:04d}" for i in range(1, 26)
    ]
    for model, field in [
        (LessonCompletion, "user_id"),
        (Attempt, "user_id"),
        (Response, "attempt__user_id"),
        (ResponseChoice, "response__attempt__user_id"),
        (ReviewCard, "user_id"),
        (DailyActivity, "user_id"),
        (ModuleProgress, "user_id"),
        (Certificate, "user_id"),
    ]:
        assert model.objects.filter(**{f"{field}__in": members}).exists(), model.__name__
    # Every batch is a whole: each learner who did something has the progress rows to show it.
    active = set(Attempt.objects.filter(user_id__in=members).values_list("user_id", flat=True))
    assert active <= set(ModuleProgress.objects.filter(user_id__in=members).values_list("user_id", flat=True))


def test_a_larger_run_adds_only_the_missing_learners_and_reports_progress(curriculum):
    seed_load(learners=5, batch=2)
    out = io.StringIO()
    call_command("seed_load", "--learners", "9", "--batch", "2", stdout=out)
    text = out.getvalue()
    assert "Load data: 4 learners," in text
    assert "  9 of 9 learners" in text and "  2 of 9 learners" in text
    assert Cohort.objects.get(slug="load-cohort").memberships.count() == 9
    assert "unchanged" in seed_load(learners=9, batch=2)


def test_another_cohort_gets_its_own_learners_and_lead(curriculum):
    seed_load(learners=3, batch=2)
    seed_load(learners=4, batch=2, cohort_slug="load-big")
    big = Cohort.objects.get(slug="load-big")
    assert sorted(big.memberships.values_list("user__username", flat=True)) == [
        f"load-big-{i:04d}" for i in (1, 2, 3, 4)
    ]
    assert big.leads.filter(username="load-big-lead").exists()
    assert Cohort.objects.get(slug="load-cohort").memberships.count() == 3


def test_a_generated_lab_submission_carries_the_result_its_page_reads(learner_client, learner, curriculum):
    """Walk-through: demo learners' lab pages said "Not passed yet. Points: of ()" beside "10 / 10
    Passed" in the history: the generated submissions had an empty result. Each now has the result
    every check passing gives (labs.results version 1), and the lab page shows it as passed."""
    from labs.models import Submission

    seed_load(learners=12, batch=6, seed=3)
    submissions = Submission.objects.filter(user__username__startswith="load-")
    assert submissions.exists()
    for submission in submissions:
        result = submission.result
        assert result["version"] == 1 and result["status"] == "pass", submission
        assert (result["score"], result["max_score"]) == (submission.score, submission.max_score)
        assert result["checks"] and all(check["status"] == "pass" for check in result["checks"])
    submission = submissions.first()
    Submission.objects.filter(pk=submission.pk).update(user=learner)
    page = learner_client.get(submission.lab.get_absolute_url()).content.decode()
    assert "Passed" in page and "Not passed yet" not in page
    assert f"{submission.score} of {submission.max_score} points" in page
