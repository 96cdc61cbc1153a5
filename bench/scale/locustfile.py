"""The scale demo's load: learners log in, read, answer, complete lessons and submit labs while leads
read the cohort dashboard and export its CSV (bin/scale-demo runs it headless, bounded in time).

Every acknowledged write goes into the load test's own log (SCALE_LOG, one JSON object a line), which
bench/scale/verify.py then checks against the database: an answer acknowledged by a redirect back to
its question, a lesson completion acknowledged by a redirect to the lesson, a lab submission
acknowledged by a redirect naming it, and the time each verdict took to appear. A request that comes
back to the login page after the login is a lost session and fails.
"""

import json
import os
import random
import re
import time
from itertools import count
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["SCALE_PLAN"]).read_text())
LOG = open(os.environ["SCALE_LOG"], "a", buffering=1)  # noqa: SIM115 - one line per write, kept open
_learner_numbers = count()

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO_OR_BOX = re.compile(r'<input type="(?:radio|checkbox)" name="answer" value="([^"]+)"')
TEXT_ANSWER = re.compile(r'<input type="text" id="answer-input" name="answer"')
SELECT = re.compile(r'<select id="[^"]*" name="((?:position|match)-[^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')
VERDICT = re.compile(r'class="verdict verdict-(pass|fail|error)"')


def record(kind: str, **fields) -> None:
    LOG.write(json.dumps({"kind": kind, "at": time.time(), **fields}) + "\n")


# The proxy answers 502 when the instance it sent a request to dies with it (a killed instance: nginx
# retries only what never reached an app), and a streamed answer (the CSV export) is cut off. A
# person presses again; so does the load test, once, and logs it. Every write here is safe to repeat
# (an answer is final, a completion and a check are idempotent or rate limited), and the
# verification checks that nothing was stored twice.
GATEWAY_ERRORS = (502, 503, 504)


def interrupted(answer) -> bool:
    """The proxy's 502-504, or a response cut off mid-transfer (a streamed export whose instance died)."""
    return answer.status_code in GATEWAY_ERRORS or (answer.error is not None and answer.status_code < 400)


def answer_fields(page: str) -> dict | None:
    """A valid answer for whatever kind of question the page shows (the first option of each control)."""
    fields: dict[str, str] = {}
    options = RADIO_OR_BOX.findall(page)
    if options:
        fields["answer"] = options[0]
    elif TEXT_ANSWER.search(page):
        fields["answer"] = "42"
    for name, body in SELECT.findall(page):
        values = OPTION.findall(body)
        if values:
            fields[name] = values[len(fields) % len(values)]
    return fields or None


class Visitor(HttpUser):
    abstract = True

    def log_in(self, username: str) -> bool:
        page = self.client.get("/accounts/login/", name="login page")
        token = TOKEN.search(page.text)
        with self.client.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": username,
                "password": PLAN["password"],
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login refused ({answer.status_code})")
                return False
        self.username = username
        return True

    def page(self, url: str, name: str, expected: tuple[int, ...] = (), retry: bool = True, **kwargs):
        """GET a page that needs the login; a redirect to the login page is a lost session."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True, **kwargs) as answer:
            if interrupted(answer) and retry:
                answer.success()
                record(
                    "retry",
                    user=self.username,
                    method="GET",
                    url=url,
                    status=answer.status_code,
                    error=str(answer.error),
                )
                return self.page(url, name, expected, retry=False, **kwargs)
            if answer.status_code == 302 and "/accounts/login/" in answer.headers.get("Location", ""):
                answer.failure("session lost: sent to the login page")
            elif answer.status_code in expected:
                answer.success()
            elif answer.status_code >= 400:
                answer.failure(f"{answer.status_code}")
            return answer

    def post(self, url: str, data: dict, name: str, token_page: str, retry: bool = True):
        """POST with the CSRF token of ``token_page``'s form, without following the redirect."""
        page = self.page(token_page, f"{name} (form)")
        token = TOKEN.search(page.text or "")
        if not token:
            return None
        return self.send(url, {"csrfmiddlewaretoken": token.group(1), **data}, name, retry)

    def send(self, url: str, data: dict, name: str, retry: bool = True):
        with self.client.post(url, data, name=name, allow_redirects=False, catch_response=True) as answer:
            if interrupted(answer) and retry:
                answer.success()
                record(
                    "retry",
                    user=self.username,
                    method="POST",
                    url=url,
                    status=answer.status_code,
                    error=str(answer.error),
                )
                return self.send(url, data, name, retry=False)
            if answer.status_code == 302 and "/accounts/login/" in answer.headers.get("Location", ""):
                answer.failure("session lost: sent to the login page")
            elif answer.status_code >= 400:
                answer.failure(f"{answer.status_code}")
            return answer


class Learner(Visitor):
    weight = 12
    wait_time = between(0.5, 2)

    def on_start(self):
        learners = PLAN["learners"]
        self.username = learners[next(_learner_numbers) % len(learners)]
        self.next_lesson = 0
        self.attempt_url = None
        self.position = 1
        self.log_in(self.username)

    @task(4)
    def read(self):
        self.page(PLAN["path_url"], "path")
        self.page(PLAN["module_url"], "module")
        self.page(random.choice(PLAN["lessons"])["url"], "lesson")  # noqa: S311 - load, not security

    @task(2)
    def complete_a_lesson(self):
        if self.next_lesson >= len(PLAN["lessons"]):
            return
        lesson = PLAN["lessons"][self.next_lesson]
        answer = self.post(lesson["url"] + "complete/", {}, "complete lesson", lesson["url"])
        if answer is not None and answer.status_code == 302:
            record("completion", user=self.username, lesson=lesson["id"])
            self.next_lesson += 1

    @task(4)
    def answer_a_question(self):
        quiz = PLAN["quiz"]
        if quiz is None:
            return
        if self.attempt_url is None:
            started = self.post(quiz["url"] + "start/", {}, "start quiz", quiz["url"])
            location = started.headers.get("Location", "") if started is not None else ""
            match = re.search(r"/attempts/([0-9a-f-]{36})/", location)
            if not match:
                return
            self.attempt_url, self.position = f"/quizzes/attempts/{match.group(1)}/", 1
            record("attempt", user=self.username, attempt=match.group(1))
        url = f"{self.attempt_url}q/{self.position}/"
        page = self.page(url, "question", expected=(404,))
        if page.status_code == 404:  # past the last question: finish, and start again next time
            self.post(self.attempt_url + "finish/", {}, "finish quiz", f"{self.attempt_url}q/1/")
            self.attempt_url = None
            return
        fields = answer_fields(page.text or "")
        if fields is None:  # answered already (a retry after a lost response): move on
            self.position += 1
            return
        token = TOKEN.search(page.text)
        answer = self.send(url, {"csrfmiddlewaretoken": token.group(1) if token else "", **fields}, "answer")
        if answer.status_code == 302 and answer.headers.get("Location", "").endswith(f"/q/{self.position}/"):
            record("answer", user=self.username, attempt=self.attempt_url.split("/")[-2], position=self.position)
            self.position += 1

    @task(1)
    def submit_a_lab(self):
        lab = PLAN["lab"]
        if lab is None:
            return
        sent = time.time()
        answer = self.post(lab["url"] + "check/", {"artifact": lab["artifact"]}, "submit lab", lab["url"])
        location = answer.headers.get("Location", "") if answer is not None else ""
        match = re.search(r"submission=([0-9a-f-]{36})", location)
        if answer is None or answer.status_code != 302 or not match:
            return
        public_id = match.group(1)
        record("submission", user=self.username, submission=public_id)
        deadline = sent + 90
        while time.time() < deadline:  # the page polls until the verdict
            time.sleep(1)
            polled = self.page(f"/labs/submissions/{public_id}/", "poll lab verdict", headers={"HX-Request": "true"})
            verdict = VERDICT.search(polled.text or "")
            if verdict:
                record(
                    "verdict",
                    user=self.username,
                    submission=public_id,
                    status=verdict.group(1),
                    seconds=time.time() - sent,
                )
                return


class Lead(Visitor):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        self.log_in(PLAN["lead"])

    @task(3)
    def dashboard(self):
        self.page(f"/cohorts/{PLAN['cohort']}/", "dashboard")

    @task(1)
    def export(self):
        answer = self.page(f"/cohorts/{PLAN['cohort']}/export.csv", "export CSV")
        if answer.status_code == 200:
            record("export", rows=answer.text.count("\n") - 1)


@events.quitting.add_listener
def _close_log(environment, **kwargs):
    LOG.close()
