"""Labs count toward progress (issue 16): a module is completed when its lessons are done, its quiz is
passed and its required labs are passed; a later failing submission or a required lab added later
takes nothing back; the module page says so in a sentence; percentages count the labs."""

import pytest

from labs.models import Lab, Submission
from progress import rebuild, services
from progress.models import Certificate, ModuleProgress
from progress.states import State, learner_statuses, path_percent
from tests.labs.conftest import DOCKERFILE_FIXED, make_lab
from tests.labs.test_submissions import passing

pytestmark = pytest.mark.django_db


def failing():
    return {**passing(), "status": "fail", "score": 1, "percent": 20}


@pytest.fixture
def path(db):
    from tests.factories import make_path

    return make_path(modules=1, lessons=2, slug="lab-progress", with_quiz=False)


@pytest.fixture
def module(path):
    return path.modules.get()


def finish_lessons(user, module):
    for lesson in module.lessons.all():
        services.complete_lesson(user, lesson)


def submit(user, lab, result) -> Submission:
    # A file of its own each time: the same file again within seconds is the same check (Submission.submit).
    submission = Submission.submit(user, lab, DOCKERFILE_FIXED + f"# {Submission.objects.count()}\n")
    submission.record(result)
    return submission


def status(path, user):
    (found,) = learner_statuses(path, user)
    return found


def test_a_module_with_a_required_lab_is_completed_when_the_lab_is_passed(path, module, learner):
    lab = make_lab(module)
    make_lab(module, slug="optional", required=False)
    finish_lessons(learner, module)
    before = status(path, learner)
    assert before.state == State.IN_PROGRESS
    assert (before.steps_done, before.steps_total, before.percent) == (2, 3, 66)  # floored
    submit(learner, lab, failing())
    assert status(path, learner).state == State.IN_PROGRESS

    submit(learner, lab, passing())

    after = status(path, learner)
    assert after.state in (State.COMPLETED, State.MASTERED) and after.percent == 100
    assert (after.labs_passed, after.labs_required) == (1, 1)
    assert Certificate.objects.filter(user=learner, path=path).exists()


def test_an_optional_lab_does_not_hold_a_module_back(path, module, learner):
    make_lab(module, slug="optional", required=False)
    finish_lessons(learner, module)
    assert status(path, learner).is_completed


def test_a_later_failing_submission_takes_nothing_back(path, module, learner):
    lab = make_lab(module)
    finish_lessons(learner, module)
    submit(learner, lab, passing())
    submit(learner, lab, failing())
    assert status(path, learner).is_completed
    assert ModuleProgress.objects.get(user=learner, module=module).labs_passed == 1
    assert rebuild.rebuild([learner.pk], [module])["updated"] == 0


def test_a_required_lab_added_later_never_takes_back_a_completion(path, module, learner, other_learner):
    finish_lessons(learner, module)
    assert status(path, learner).is_completed
    make_lab(module, slug="added-later")  # through the content changes: progress is refreshed at once

    assert status(path, learner).is_completed
    assert Certificate.objects.filter(user=learner).exists()
    finish_lessons(other_learner, module)
    assert status(path, other_learner).state == State.IN_PROGRESS  # the rule holds for whoever comes next


def test_unpublishing_the_last_required_lab_completes_the_module(path, module, learner):
    lab = make_lab(module)
    finish_lessons(learner, module)
    assert not status(path, learner).is_completed
    lab.published = False
    lab.save()
    assert status(path, learner).is_completed


def test_the_bulk_and_the_single_learner_readings_of_passed_labs_agree(module, learner, other_learner):
    first, second = make_lab(module), make_lab(module, slug="second")
    make_lab(module, slug="optional", required=False)
    submit(learner, first, passing())
    submit(other_learner, first, passing())
    submit(other_learner, second, failing())
    bulk = Lab.objects.required_passes(None, [module.pk])
    for user in (learner, other_learner):
        assert Lab.objects.required_standing(user, [module]) == {module.pk: (bulk[(user.pk, module.pk)][0], 2)}


def test_the_module_page_states_the_rule_in_a_sentence(client, path, module, learner):
    make_lab(module)
    client.force_login(learner)
    page = client.get(module.get_absolute_url()).content.decode()
    assert (
        "To complete this module, mark its 2 lessons complete and pass its required lab. "
        "Once completed, it stays completed." in page
    )
    assert "0 of 1 required lab" in page
    assert "its required labs are passed" in page  # the path's rule, beside it


def test_the_path_percent_counts_required_labs(path, module, learner):
    lab = make_lab(module)
    finish_lessons(learner, module)
    assert path_percent(learner_statuses(path, learner)) == 66  # 2 of 3 steps, floored
    submit(learner, lab, passing())
    assert path_percent(learner_statuses(path, learner)) == 100
