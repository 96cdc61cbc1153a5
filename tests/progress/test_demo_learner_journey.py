"""Done when: the demo `learner` goes from a fresh account to a certificate through the real
curriculum, by the same pages a learner without JavaScript uses."""

import re

from django.urls import reverse

from demo.seeds import DEMO_PASSWORD, seed_demo
from progress.models import Certificate, ModuleProgress
from progress.states import State, learner_statuses
from tests.progress.helpers import PATH_ORDER, complete_lessons_by_views, module_quiz, pass_labs, take_quiz_by_views


def badge(page: str, title: str) -> str:
    """A module's state on the path page's checklist."""
    row = page[: page.index(f">{title}</a>")]
    return re.findall(r'class="checklist-module checklist-(\w+)', row)[-1]


def test_the_demo_learner_goes_from_a_fresh_account_to_a_certificate(client, curriculum):
    seed_demo()
    response = client.post(reverse("accounts:login"), {"username": "learner", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    learner = response.wsgi_request.user
    assert learner.username == "learner" and not learner.is_staff
    assert not ModuleProgress.objects.filter(user=learner).exists()  # a fresh account

    statuses = learner_statuses(curriculum, learner)
    done: list[str] = []
    while len(done) < len(statuses):
        path_page = client.get(reverse("courses:home")).content.decode()
        open_now = [s.module for s in learner_statuses(curriculum, learner) if s.state == State.AVAILABLE]
        assert open_now, f"nothing to do after {done}"
        current = open_now[0]
        assert badge(path_page, current.title) == State.AVAILABLE
        assert client.get(current.get_absolute_url()).status_code == 200

        complete_lessons_by_views(client, current)
        pass_labs(learner, current)  # a worker records each required lab's pass (tests/browser: the lab pages)
        attempt = take_quiz_by_views(client, learner, module_quiz(current))

        assert attempt.passed and attempt.percent == 100
        done.append(current.slug)
        module_page = client.get(current.get_absolute_url()).content.decode()
        assert "badge state-mastered" in module_page
    assert done == PATH_ORDER

    certificate = Certificate.objects.get(user=learner, path=curriculum)
    assert certificate.name == "Linh Nguyen"
    progress_page = client.get(reverse("progress:mine")).content.decode()
    assert "You completed the whole path." in progress_page and certificate.get_absolute_url() in progress_page
    assert "6 of 6 modules completed" in progress_page
    client.post(reverse("progress:share_certificate", args=[certificate.code]), {"shared": "1"})
    client.post(reverse("accounts:logout"))
    public = client.get(certificate.get_absolute_url()).content.decode()
    assert "Linh Nguyen" in public and "DevOps on AWS" in public and "learner@example.com" not in public
