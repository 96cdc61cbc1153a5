"""Faults and backups: the database going away and coming back; dumpdata round trips."""

import contextlib
import json
import re
import socket
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test import Client

from accounts.models import User
from cohorts.models import Cohort, Membership
from courses.models import Lesson
from progress.models import Certificate
from progress.services import complete_lesson
from quizzes.attempts import close_attempt, start_attempt, submit_answer


class TcpProxy:
    """A tiny TCP proxy in front of the test database that a test can cut and restore."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):  # shutdown first: close() alone does not wake the other pump's recv()
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def cut(self):
        self.up = False
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.sockets.clear()

    def restore(self):
        self.up = True

    def stop(self):
        self.cut()
        self.listener.close()


@pytest.mark.django_db(transaction=True)
def test_the_app_answers_503_while_the_database_is_away_and_recovers_by_itself(curriculum, learner):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database reached over the network: runs in CI's PostgreSQL pass")
    settings = connection.settings_dict
    original = dict(settings)
    proxy = TcpProxy(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))
    connection.close()
    settings.update(HOST="127.0.0.1", PORT=str(proxy.port))
    try:
        visitor, member = Client(raise_request_exception=False), Client(raise_request_exception=False)
        member.force_login(learner)
        assert visitor.get("/healthz").status_code == 200
        assert member.get("/progress/").status_code == 200

        proxy.cut()
        health = visitor.get("/healthz")
        assert health.status_code == 503
        assert health.json() == {"status": "error", "database": "unavailable"}
        page = member.get("/progress/")
        assert page.status_code == 503
        html = page.content.decode()
        assert "briefly unavailable" in html and "Traceback" not in html and "OperationalError" not in html

        proxy.restore()
        assert visitor.get("/healthz").status_code == 200
        assert member.get("/progress/").status_code == 200
    finally:
        connection.close()
        settings.clear()
        settings.update(original)
        proxy.stop()


def normalized(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


@pytest.mark.django_db(transaction=True)
def test_dumpdata_of_progress_attempts_and_cohorts_loads_into_an_empty_database_with_identical_pages(
    curriculum, learner, lead, tmp_path
):
    module = curriculum.modules.get(slug="devops-mindset")
    for lesson in Lesson.objects.filter(module=module):
        complete_lesson(learner, lesson)
    quiz = module.quizzes.get()
    attempt = start_attempt(learner, quiz)
    for question in quiz.questions.filter(kind__in=["numeric", "short_text"]):
        submit_answer(attempt, question, QueryDict("answer=7"))
    close_attempt(attempt)
    cohort = Cohort.objects.create(name="Backup cohort", slug="backup", path=curriculum)
    cohort.leads.add(lead)
    Membership.objects.create(cohort=cohort, user=learner)
    Certificate.objects.create(user=learner, path=curriculum, name="Lan", path_title=curriculum.title)
    pages = {
        learner.username: [
            "/",
            module.get_absolute_url(),
            "/progress/",
            "/progress/review/",
            f"/quizzes/attempts/{attempt.public_id}/",
        ],
        lead.username: [
            "/cohorts/backup/",
            "/cohorts/backup/attention/",
            "/cohorts/backup/questions/",
            f"/cohorts/backup/members/{learner.pk}/",
        ],
    }

    def render_all():
        out = {}
        for username, urls in pages.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, url
                out[url] = normalized(response.content.decode())
        return out

    before = render_all()
    dump = tmp_path / "backup.json"
    with open(dump, "w") as handle:
        call_command(
            "dumpdata",
            "--natural-foreign",
            "--indent",
            "0",
            exclude=["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"],
            stdout=handle,
        )
    call_command("flush", "--noinput")
    assert not User.objects.exists()
    call_command("loaddata", str(dump), stdout=StringIO())
    after = render_all()
    assert after.keys() == before.keys()
    for url in before:
        assert after[url] == before[url], url
    assert json.loads(dump.read_text())  # a readable JSON backup
