"""Fuzzing every form and POST endpoint (and the query strings of search, overview filters and
pagination) with hypothesis.

Each example runs in its own savepoint, rolled back at the end, against a world where learners have
something of everything. It sends missing fields, wrong types, 1 MB strings, NUL bytes, odd Unicode
(RTL marks, combining characters, emoji, lone surrogates as raw UTF-8 bytes), ids and tokens of other
users' objects and of other kinds, negative and overflowing numbers, broken bodies; then replays the
same request. The answer is always 2xx/3xx (with a form error where relevant), 400, 403/404 or 405,
never a 500, with no exception raised or logged; a rejected request leaves every learner's rows as
they were (a fingerprint before and after), and a replay changes nothing at all.
"""

import functools
import json
import logging
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote_plus

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cohorts.models import Membership
from labs.models import Lab
from progress.models import DailyActivity
from progress.rebuild import rebuild
from quizzes.models import Attempt, Response
from tests.security.conftest import answer_data, learner_fingerprints

FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays stable
    database=None,
    print_blob=False,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure message shows the request
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

OK_STATUSES = {400, 403, 404, 405}
OVERFLOWING = [2**63, 2**64 + 1, 10**30]  # past a signed 64-bit integer
HUGE = [2**31, 2**63 - 1, *OVERFLOWING]
MEGABYTE = 2**20

# --- values ---------------------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 50,
    "\u202e\u2066cod.exe\u2069",  # right-to-left override and isolates
    "\u200b\u200d\ufeff",
    "e\u0301\u0302\u0303\u0304" * 40,  # combining characters
    "👩‍👩‍👧‍👦🏳️‍🌈" * 20,
    "\ud800",  # lone surrogates, sent as the raw (invalid) UTF-8 bytes ED A0 80
    "x\udfff\ud800y",
    "-1",
    "0",
    "-0",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1" * 5000,
    "1e309",
    "1e-999999999",
    "NaN",
    "-Infinity",
    "١٢",  # Arabic-Indic digits
    "１２",  # full-width digits
    "0x10",
    "1_000",
    "[]",
    "{}",
    "null",
    "true",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\r\nSet-Cookie: x=1",
    "A" * MEGABYTE,  # 1 MB
    "é" * (MEGABYTE // 2),  # 1 MB of UTF-8, 3 MB once form-encoded: over the request size limit
]
ODD_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates and controls included
NUMBERS = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from(HUGE)).map(str)


def world_values(w) -> list[str]:
    """Real values from the world: tokens of this and other attempts and cards, ids of every kind,
    usernames, e-mails, passwords, invite codes, time zones."""
    values = []
    for question in w.questions:
        for choice in question.choices.all():
            for role in "coim":
                values += [w.attempt.token(role, choice.pk), w.other_attempt.token(role, choice.pk)]
                values += [w.due_card.token(role, choice.pk)]
            values += [str(choice.pk)]
        values += [str(question.pk)]
    values += [str(w.due_card.pk), str(w.other_card.pk), str(w.attempt.public_id), str(w.other_attempt.public_id)]
    values += [str(user.pk) for user in (w.learner, w.other_learner, w.outsider, w.lead)]
    values += [w.learner.username, w.learner.email, w.learner.email.upper(), w.other_learner.username]
    values += [w.other_learner.email, w.lead.username, "nobody@example.com", "not an e-mail"]
    values += [w.cohort.invite_code, w.other_cohort.invite_code, w.other_cohort.invite_code.lower()]
    values += [w.closed_cohort.invite_code, w.ended_cohort.invite_code]
    values += [w.password, "correct-horse-battery-43", "Asia/Ho_Chi_Minh", "UTC", "Mars/Olympus Mons"]
    values += ["easy", "auto", "1", "0", "12.5", "12,7 %", "Alpha", "Bravo", "appspec.yml", "/", "//evil.example"]
    return values


def once(w, key: str, compute: Callable):
    """``compute(w)``, remembered on the world (the examples of one test share it; rows roll back)."""
    if key not in w.cache:
        w.cache[key] = compute(w)
    return w.cache[key]


def values_of(w):
    return once(
        w,
        "values",
        lambda w: st.one_of(st.sampled_from(NASTY), st.sampled_from(world_values(w)), ODD_TEXT, NUMBERS),
    )


# --- the endpoints ------------------------------------------------------------------------------------


def _lessons(name: str) -> Callable:
    def urls(w) -> list[str]:
        path, module = w.path.slug, w.module.slug
        return [
            reverse(name, args=[path, module, w.lesson.slug]),
            reverse(name, args=[path, module, w.lesson2.slug]),
            reverse(name, args=[path, w.locked_lesson.module.slug, w.locked_lesson.slug]),  # a locked module
            reverse(name, args=[path, module, "no-such-lesson"]),
            reverse(name, args=["fuzz-path", "m1", "l1"]),  # another path's lesson
            reverse(name, args=["no-such-path", module, w.lesson.slug]),
        ]

    return urls


def _quizzes(w) -> list[str]:
    ids = [w.quiz.pk, w.module_quiz.pk, w.locked_quiz.pk, w.hidden_quiz.pk, w.questions[0].pk, 0, *HUGE]
    return [reverse("quizzes:start", args=[pk]) for pk in ids]


def _attempts(name: str) -> Callable:
    def urls(w) -> list[str]:
        ids = [w.attempt.public_id, w.closed_attempt.public_id, w.other_attempt.public_id, uuid.UUID(int=7)]
        if name == "quizzes:finish":
            return [reverse(name, args=[public_id]) for public_id in ids]
        return [reverse(name, args=[public_id, n]) for public_id in ids for n in (1, 2, 4, 7, 8, 0, 2**64)]

    return urls


def _cards(name: str) -> Callable:
    def urls(w) -> list[str]:
        ids = [w.due_card.pk, w.pending_card.pk, w.later_card.pk, w.other_card.pk, w.questions[0].pk, 0, *HUGE]
        return [reverse(name, args=[pk]) for pk in ids]

    return urls


def _cohorts(name: str) -> Callable:
    def urls(w) -> list[str]:
        slugs = [w.cohort.slug, w.other_cohort.slug, w.closed_cohort.slug, "no-such-cohort"]
        return [reverse(name, args=[slug]) for slug in slugs]

    return urls


def _members(name: str) -> Callable:
    def urls(w) -> list[str]:
        people = [w.learner.pk, w.other_learner.pk, w.outsider.pk, w.lead.pk, 0, *OVERFLOWING]
        return [reverse(name, args=[c.slug, pk]) for c in (w.cohort, w.other_cohort) for pk in people]

    return urls


def _questions_of_cohort(w) -> list[str]:
    ids = [q.pk for q in w.questions[:2]] + [w.module_quiz.questions.first().pk, 0, *HUGE]
    return [reverse("cohorts:question", args=[c.slug, pk]) for c in (w.cohort, w.other_cohort) for pk in ids]


def _reset_links(w) -> list[str]:
    uid = urlsafe_base64_encode(force_bytes(w.learner.pk))
    token = default_token_generator.make_token(w.learner)
    pairs = [
        (uid, token),
        (uid, "set-password"),
        (uid, "abc-0123456789abcdef"),
        ("not-base64", token),
        (urlsafe_base64_encode(b"99999999999999999999999999"), token),
        (urlsafe_base64_encode(b"\x00\xff"), "x-y"),
    ]
    return [reverse("accounts:password_reset_confirm", args=pair) for pair in pairs]


def _bulk_add(w) -> list[str]:
    ids = [w.cohort.pk, w.other_cohort.pk, 0, *OVERFLOWING]
    return [reverse("admin:cohorts_cohort_bulk_add", args=[pk]) for pk in ids]


def _fixed(name: str) -> Callable:
    return lambda w: [reverse(name)]


def _certificates(w) -> list[str]:
    """The learner's certificate, another learner's, and a code that is nobody's."""
    from progress.models import Certificate

    mine = Certificate.objects.get_or_create(
        user=w.learner, path=w.path, defaults={"name": "An old name", "path_title": w.path.title}
    )[0]
    theirs = Certificate.objects.get_or_create(
        user=w.other_learner, path=w.path, defaults={"name": "Another old name", "path_title": w.path.title}
    )[0]
    return [reverse("progress:reissue_certificate", args=[c]) for c in (mine.code, theirs.code, "no-such-code")]


def _certificate_shares(w) -> list[str]:
    """Sharing the learner's certificate, another learner's, and a code that is nobody's."""
    return [url.replace("/reissue/", "/share/") for url in _certificates(w)]


def _labs(name: str) -> Callable:
    def urls(w) -> list[str]:
        lab = Lab.objects.select_related("module__path").filter(kind="dockerfile", published=True).first()
        return [reverse(name, args=[lab.module.path.slug, lab.module.slug, lab.slug])]

    return urls


def _answers(w) -> list[list[tuple[str, str]]]:
    """Whole, valid answer forms for each question, named with the learner's attempt and card tokens."""
    forms = []
    for owner in (w.attempt, w.due_card, w.other_attempt):
        for question in w.questions:
            for how in ("right", "wrong"):
                data = answer_data(owner, question, how)
                forms.append(
                    [(k, v) for k, values in data.items() for v in (values if isinstance(values, list) else [values])]
                )
    return forms


@dataclass(frozen=True)
class Endpoint:
    name: str
    actors: tuple[str, ...]
    urls: Callable
    fields: tuple[str, ...] = ()
    forms: Callable = lambda w: []  # whole forms to start from, which the fuzzer spoils
    may_change: str = "actor"  # whose rows an accepted request may change: actor, subjects or nobody
    methods: tuple[str, ...] = ("POST",) * 10 + ("GET", "PUT", "DELETE")
    examples: int = 30

    def __str__(self) -> str:
        return self.name

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(f"<Endpoint {self.name}>")


LEARNER = ("learner",)
LEADS = ("lead", "other_lead", "learner")

POST_ENDPOINTS = [
    Endpoint(
        "accounts:signup",
        ("anonymous",),
        _fixed("accounts:signup"),
        ("username", "email", "display_name", "password1", "password2", "next"),
        lambda w: [
            [
                ("username", "newcomer"),
                ("email", "newcomer@example.com"),
                ("display_name", "New"),
                ("password1", w.password),
                ("password2", w.password),
            ]
        ],
        may_change="nobody",
    ),
    Endpoint(
        "accounts:login",
        ("anonymous",),
        _fixed("accounts:login"),
        ("username", "password", "next"),
        lambda w: [[("username", w.learner.username), ("password", w.password)]],
        may_change="subjects",
    ),
    Endpoint("accounts:logout", ("learner", "anonymous"), _fixed("accounts:logout"), ("next",), may_change="nobody"),
    Endpoint("accounts:set_language", ("learner", "anonymous"), _fixed("accounts:set_language"), ("language", "next")),
    Endpoint(
        "accounts:account",
        LEARNER,
        _fixed("accounts:account"),
        ("display_name", "email", "time_zone"),
        lambda w: [[("display_name", "Renamed"), ("email", "renamed@example.com"), ("time_zone", "UTC")]],
        examples=20,  # the page renders a select of ~600 time zones: slow, and these fields are plain
    ),
    Endpoint(
        "accounts:password_change",
        LEARNER,
        _fixed("accounts:password_change"),
        ("old_password", "new_password1", "new_password2"),
        lambda w: [
            [
                ("old_password", w.password),
                ("new_password1", "a-new-horse-battery-77"),
                ("new_password2", "a-new-horse-battery-77"),
            ]
        ],
    ),
    Endpoint(
        "accounts:password_reset",
        ("anonymous",),
        _fixed("accounts:password_reset"),
        ("email",),
        lambda w: [[("email", w.learner.email)]],
        may_change="nobody",
    ),
    Endpoint(
        "accounts:password_reset_confirm",
        ("anonymous",),
        _reset_links,
        ("new_password1", "new_password2"),
        lambda w: [[("new_password1", "a-new-horse-battery-77"), ("new_password2", "a-new-horse-battery-77")]],
        may_change="subjects",
    ),
    Endpoint(
        "accounts:confirm_email",
        ("anonymous", *LEARNER),
        lambda w: [reverse("accounts:confirm_email", args=[token]) for token in ("bad-token", "e30:1vV:" + "x" * 40)],
        may_change="nobody",
    ),
    Endpoint(
        "privacy-delete", LEARNER, _fixed("privacy-delete"), ("password",), lambda w: [[("password", w.password)]]
    ),
    Endpoint("progress:complete", LEARNER, _lessons("progress:complete")),
    Endpoint("progress:reissue_certificate", LEARNER, _certificates),
    Endpoint("progress:share_certificate", LEARNER, _certificate_shares, ("shared",)),
    Endpoint("progress:undo", LEARNER, _lessons("progress:undo")),
    Endpoint("quizzes:start", LEARNER, _quizzes),
    Endpoint("quizzes:question", LEARNER, _attempts("quizzes:question"), ("answer",), _answers),
    Endpoint("quizzes:finish", LEARNER, _attempts("quizzes:finish")),
    Endpoint("progress:review_answer", LEARNER, _cards("progress:review_answer"), ("answer",), _answers),
    Endpoint("progress:practice_missed", LEARNER, _attempts("progress:practice_missed"), ("answer",), _answers),
    Endpoint(
        "progress:practice_upcoming",
        LEARNER,
        lambda w: [reverse("progress:practice_upcoming", args=[n]) for n in (1, 2, 7, 0, 2**64)],
        ("answer",),
        _answers,
    ),
    Endpoint(
        "progress:review_rate",
        LEARNER,
        _cards("progress:review_rate"),
        ("rating",),
        lambda w: [[("rating", "easy")], [("rating", "auto")]],
    ),
    Endpoint(
        "cohorts:join",
        LEARNER,
        _fixed("cohorts:join"),
        ("code",),
        lambda w: [[("code", c.invite_code)] for c in (w.cohort, w.other_cohort, w.closed_cohort, w.ended_cohort)],
    ),
    Endpoint("cohorts:leave", ("learner", "outsider"), _cohorts("cohorts:leave")),
    Endpoint(  # each accepted request is graded in a sandbox, as a learner's Check
        "labs:check",
        LEARNER,
        _labs("labs:check"),
        ("artifact",),
        lambda w: [[("artifact", 'FROM debian:12.8-slim\nUSER 1000\nCMD ["true"]\n')]],
        examples=15,
    ),
    Endpoint("cohorts:remove", LEADS, _members("cohorts:remove"), may_change="subjects"),
    Endpoint(
        "cohorts:grant",
        LEADS,
        _members("cohorts:grant"),
        ("quiz", "extra_attempts", "extra_minutes", "reason"),
        lambda w: [
            [("quiz", str(w.quiz.pk)), ("extra_attempts", "1"), ("extra_minutes", "0"), ("reason", "power cut")],
            [("quiz", str(w.hidden_quiz.pk)), ("extra_attempts", "0"), ("extra_minutes", "5"), ("reason", "x")],
        ],
        may_change="subjects",
    ),
    Endpoint("cohorts:rotate", LEADS, _cohorts("cohorts:rotate"), may_change="nobody"),
    Endpoint(
        "cohorts:invitations",
        LEADS,
        _cohorts("cohorts:invitations"),
        ("active",),
        lambda w: [[("active", "1")], [("active", "0")]],
        may_change="nobody",
    ),
    Endpoint(
        "admin:cohorts_cohort_bulk_add",
        ("instructor", "superuser", "lead"),
        _bulk_add,
        ("people",),
        lambda w: [
            [("people", f"{w.learner.username}\n{w.outsider.email.upper()}\n  \n{w.lead.username}")],
            *[[("people", "\n".join(f"{name}-{i}" for i in range(600)))] for name in ("a", "b", "c")],  # 2,000 allowed
        ],
        may_change="subjects",
    ),
]

# Pages that only read: their query strings and URL ids are fuzzed with GET, and they must never write.
GET_ENDPOINTS = [
    Endpoint("courses:search", LEARNER, _fixed("courses:search"), ("q",), methods=("GET",), may_change="nobody"),
    Endpoint(
        "cohorts:overview",
        LEADS,
        _cohorts("cohorts:overview"),
        ("q", "state", "module", "sort", "page"),
        lambda w: [[("state", "stuck"), ("module", str(w.module.pk)), ("sort", f"-m{w.module.pk}"), ("page", "2")]],
        methods=("GET",),
        may_change="nobody",
    ),
    Endpoint("cohorts:roster", LEADS, _cohorts("cohorts:roster"), ("page",), methods=("GET",), may_change="nobody"),
    Endpoint("cohorts:member", LEADS, _members("cohorts:member"), methods=("GET",), may_change="nobody"),
    Endpoint("cohorts:question", LEADS, _questions_of_cohort, methods=("GET",), may_change="nobody"),
    Endpoint("progress:review_card", LEARNER, _cards("progress:review_card"), methods=("GET",), may_change="nobody"),
    Endpoint(
        "quizzes:result",
        LEARNER,
        lambda w: [reverse("quizzes:result", args=[a.public_id]) for a in (w.closed_attempt, w.other_attempt)],
        methods=("GET",),
        may_change="nobody",
    ),
]

# Every other URL pattern of the project only reads (GET); test_read_only_pages_refuse_a_post checks it.
READ_ONLY = {
    "healthz",
    "favicon",
    "metrics",
    "privacy-export",
    "accounts:password_change_done",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "courses:home",
    "courses:path",
    "courses:module",
    "courses:lesson",
    "quizzes:quiz",
    "quizzes:result",
    "quizzes:preview",
    "progress:mine",
    "progress:review",
    "progress:review_card",
    "progress:certificate",
    "cohorts:list",
    "cohorts:overview",
    "cohorts:attention",
    "cohorts:questions",
    "cohorts:question",
    "cohorts:activity",
    "cohorts:export",
    "cohorts:member",
    "cohorts:roster",
    "courses:search",
    "labs:index",
    "labs:lab",
    "labs:submission",
}


# --- requests ------------------------------------------------------------------------------------------


@dataclass
class FuzzRequest:
    actor: str
    method: str
    url: str
    pairs: list[tuple[str, str]]
    encoding: str
    query: list[tuple[str, str]] = field(default_factory=list)
    htmx: bool = False

    def __str__(self) -> str:
        shown = [(k[:40], v[:60] + (f"… ({len(v)} chars)" if len(v) > 60 else "")) for k, v in self.pairs[:8]]
        return (
            f"{self.method} {self.url} as {self.actor}, {self.encoding} body {shown!r}, query {self.query[:3]!r}"
            f"{', HX-Request' if self.htmx else ''}"
        )

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))  # hypothesis reports the drawn request: keep 1 MB values out of it


@functools.lru_cache(maxsize=64)
def _quote(text: str) -> str:
    return quote_plus(text.encode("utf-8", "surrogatepass"))  # a lone surrogate goes out as its raw bytes


def urlencode_raw(pairs) -> str:
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in pairs)


@st.composite
def form_of(draw, endpoint: Endpoint, world, values):
    """A form: a whole one with fields dropped or spoilt, or loose pairs, plus junk fields."""
    pairs: list[tuple[str, str]] = []
    bases = once(world, f"forms of {endpoint.name}", endpoint.forms)
    if bases and draw(st.integers(0, 3)):  # mostly a real form, spoilt
        for key, value in draw(st.sampled_from(bases)):
            fate = draw(st.integers(0, 7))
            if fate == 0:
                continue  # missing
            pairs.append((key, draw(values) if fate == 1 else value))
    keys = st.one_of(st.sampled_from([*endpoint.fields, "answer", "csrfmiddlewaretoken", "next"]), ODD_TEXT)
    pairs += draw(st.lists(st.tuples(keys, values), max_size=2 if pairs else 6))
    return pairs


@st.composite
def request_for(draw, endpoint: Endpoint, world) -> FuzzRequest:
    values = values_of(world)
    query = draw(st.lists(st.tuples(st.sampled_from(["next", "page", "q", "sort"]), values), max_size=2))
    return FuzzRequest(
        actor=draw(st.sampled_from(endpoint.actors)),
        method=draw(st.sampled_from(endpoint.methods)),
        url=draw(st.sampled_from(once(world, f"urls of {endpoint.name}", endpoint.urls))),
        pairs=draw(form_of(endpoint, world, values)),
        encoding=draw(st.sampled_from(["form"] * 6 + ["multipart", "json", "broken multipart", "too many fields"])),
        query=query,
        htmx=draw(st.booleans()),
    )


def send(client: Client, request: FuzzRequest):
    headers = {"HX-Request": "true"} if request.htmx else {}
    query = list(request.query)
    body, content_type = b"", "application/octet-stream"
    if request.method == "GET":
        query += request.pairs
    elif request.encoding == "form":
        body, content_type = urlencode_raw(request.pairs).encode("ascii"), "application/x-www-form-urlencoded"
    elif request.encoding == "multipart":
        data: dict[str, list[str]] = {}
        for key, value in request.pairs:
            clean = value.encode("utf-8", "replace").decode()
            data.setdefault(key.encode("utf-8", "replace").decode(), []).append(clean)
        body, content_type = encode_multipart(BOUNDARY, data), MULTIPART_CONTENT
    elif request.encoding == "json":
        body, content_type = json.dumps(dict(request.pairs)).encode(), "application/json"
    elif request.encoding == "broken multipart":
        body, content_type = b"--nope\r\nContent-Disposition: form-data\r\n\r\n\x00", "multipart/form-data; boundary=x"
    else:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        body, content_type = ("&".join(f"f{i}=1" for i in range(1100))).encode(), "application/x-www-form-urlencoded"
    path = request.url + ("?" + urlencode_raw(query) if query else "")
    return client.generic(request.method, path, data=body, content_type=content_type, headers=headers)


class Watch:
    """Exceptions the request handler saw (even when answered), and ERROR log records."""

    def __init__(self):
        self.exceptions: list[str] = []
        self.records: list[logging.LogRecord] = []

    def _exception(self, sender, request=None, **kwargs):
        self.exceptions.append(repr(sys.exc_info()[1]))

    def __enter__(self):
        got_request_exception.connect(self._exception)
        self.handler = logging.Handler(logging.ERROR)
        self.handler.emit = self.records.append
        logging.getLogger().addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        got_request_exception.disconnect(self._exception)
        logging.getLogger().removeHandler(self.handler)

    def problems(self, status: int) -> list[str]:
        found = [f"exception: {e}" for e in self.exceptions]
        for record in self.records:
            if record.name.startswith("django.security") and status == 400:
                continue  # an oversized or malformed request, refused with 400: an audit line, not a crash
            found.append(f"logged by {record.name}: {record.getMessage()[:300]}")
        return found


def is_rejected(response) -> bool:
    if response.status_code >= 400:
        return True
    content = b"" if response.streaming else response.content
    return response.status_code == 200 and (b'class="errorlist' in content or b'class="errornote' in content)


def check_outcome(response, watch: Watch, request: FuzzRequest, when: str) -> None:
    status = response.status_code
    problems = watch.problems(status)
    assert 200 <= status < 400 or status in OK_STATUSES, f"{when}: answered {status} ({problems[:2]}) to {request}"
    assert not problems, f"{when}: {problems} for {request}"


def client_for(world, actor: str) -> Client:
    client = Client(raise_request_exception=False)
    if actor != "anonymous":
        client.force_login(getattr(world, actor))
    return client


def run_example(world, endpoint: Endpoint, request: FuzzRequest) -> None:
    """Send the request and its replay in a savepoint that is rolled back, checking the outcome."""
    with transaction.atomic():
        client = client_for(world, request.actor)
        subjects = world.subjects
        before = learner_fingerprints(subjects)
        with Watch() as watch:
            response = send(client, request)
            check_outcome(response, watch, request, "first request")
        after = learner_fingerprints(subjects)
        actor = getattr(world, request.actor, None) if request.actor != "anonymous" else None
        if is_rejected(response) or endpoint.may_change == "nobody":
            allowed: set[int] = set()
        elif endpoint.may_change == "actor":
            allowed = {actor.pk} if actor is not None else set()
        else:
            allowed = {s.pk for s in subjects}
        changed = {pk for pk in before if before[pk] != after[pk]} - allowed
        assert not changed, (
            f"the rows of user(s) {sorted(changed)} changed after a {response.status_code} "
            f"({'rejected' if is_rejected(response) else 'accepted'}) answer to {request}"
        )
        with Watch() as watch:
            replay = send(client, request)
            check_outcome(replay, watch, request, "replayed request")
        again = learner_fingerprints(subjects)
        changed = {pk for pk in after if after[pk] != again[pk]}
        assert not changed, f"replaying changed the rows of user(s) {sorted(changed)}: {request}"
        transaction.set_rollback(True)


# --- the tests --------------------------------------------------------------------------------------------


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_pattern_is_fuzzed_or_listed_as_read_only():
    """A new page or form has to join one of the lists above, so that it is fuzzed or checked."""
    project = {name for name in url_names() if not name.startswith("admin:")}
    posted = {e.name for e in POST_ENDPOINTS if not e.name.startswith("admin:")}
    assert project - posted - READ_ONLY == set(), "add these URL patterns to POST_ENDPOINTS or READ_ONLY"
    assert (posted | READ_ONLY) - project == set(), "these listed URL names no longer exist"
    assert posted & READ_ONLY == set()
    assert {e.name for e in GET_ENDPOINTS} <= READ_ONLY
    assert "admin:cohorts_cohort_bulk_add" in url_names()


def _read_only_urls(w) -> dict[str, str]:
    card = w.due_card
    return {
        "healthz": reverse("healthz"),
        "favicon": reverse("favicon"),
        "metrics": reverse("metrics"),
        "privacy-export": reverse("privacy-export"),
        "accounts:password_change_done": reverse("accounts:password_change_done"),
        "accounts:password_reset_done": reverse("accounts:password_reset_done"),
        "accounts:password_reset_complete": reverse("accounts:password_reset_complete"),
        "courses:home": reverse("courses:home"),
        "courses:path": w.path.get_absolute_url(),
        "courses:module": reverse("courses:module", args=[w.path.slug, w.module.slug]),
        "courses:lesson": reverse("courses:lesson", args=[w.path.slug, w.module.slug, w.lesson.slug]),
        "courses:search": reverse("courses:search"),
        "quizzes:quiz": reverse("quizzes:quiz", args=[w.quiz.pk]),
        "quizzes:result": reverse("quizzes:result", args=[w.closed_attempt.public_id]),
        "quizzes:preview": reverse("quizzes:preview", args=[w.questions[0].pk]),
        "progress:mine": reverse("progress:mine"),
        "progress:review": reverse("progress:review"),
        "progress:review_card": reverse("progress:review_card", args=[card.pk]),
        "progress:certificate": reverse("progress:certificate", args=["no-such-code"]),
        "cohorts:list": reverse("cohorts:list"),
        **{
            f"cohorts:{name}": reverse(f"cohorts:{name}", args=[w.cohort.slug])
            for name in ("overview", "attention", "questions", "activity", "export", "roster")
        },
        "cohorts:question": reverse("cohorts:question", args=[w.cohort.slug, w.questions[0].pk]),
        "cohorts:member": reverse("cohorts:member", args=[w.cohort.slug, w.learner.pk]),
        "labs:index": reverse("labs:index"),
        "labs:lab": _labs("labs:lab")(w)[0],
        "labs:submission": reverse("labs:submission", args=[uuid.uuid4()]),
    }


def test_read_only_pages_refuse_a_post(fuzz_world):
    urls = _read_only_urls(fuzz_world)
    assert set(urls) == READ_ONLY
    client = Client(raise_request_exception=False)
    client.force_login(fuzz_world.superuser)
    answers = {name: client.post(url, {"x": "1"}).status_code for name, url in urls.items()}
    assert {name: status for name, status in answers.items() if status != 405} == {}


def fuzz(world, endpoint: Endpoint) -> None:
    @hypothesis_settings(FUZZ, max_examples=endpoint.examples)
    @given(request=request_for(endpoint, world))
    def example(request: FuzzRequest) -> None:
        run_example(world, endpoint, request)

    example()


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS, ids=str)
def test_posting_anything_to_a_form_never_breaks_it_nor_changes_data_it_refuses(fuzz_world, endpoint):
    fuzz(fuzz_world, endpoint)


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS, ids=str)
def test_any_query_string_or_id_on_a_page_that_reads_never_breaks_it_nor_writes(fuzz_world, endpoint):
    fuzz(fuzz_world, endpoint)


# --- replayed and out-of-order learner actions -----------------------------------------------------------

ACTIONS = ["complete", "undo", "start", "answer", "finish", "review answer", "review rate", "join", "leave"]


def act(client: Client, w, action: str, position: int, how: str):
    """One learner action, with real data built from the current state (whatever the order)."""
    attempt = Attempt.objects.filter(user=w.learner, quiz=w.quiz).order_by("-number").first()
    card = w.due_card
    card.refresh_from_db()  # its tokens change with each review
    if action in ("complete", "undo"):
        return client.post(reverse(f"progress:{action}", args=[w.path.slug, w.module.slug, w.lesson2.slug]))
    if action == "start":
        return client.post(reverse("quizzes:start", args=[w.quiz.pk]))
    if action == "answer":
        question = w.questions[position - 1]
        data = answer_data(attempt, question, how) if how != "garbage" else {"answer": "\x00"}
        return client.post(reverse("quizzes:question", args=[attempt.public_id, position]), data)
    if action == "finish":
        return client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    if action == "review answer":
        data = answer_data(card, card.question, how) if how != "garbage" else {}
        return client.post(reverse("progress:review_answer", args=[card.pk]), data)
    if action == "review rate":
        return client.post(
            reverse("progress:review_rate", args=[card.pk]), {"rating": "easy" if how == "right" else "auto"}
        )
    if action == "join":
        return client.post(reverse("cohorts:join"), {"code": w.other_cohort.invite_code})
    return client.post(reverse("cohorts:leave", args=[w.other_cohort.slug]))


STEPS = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS), st.integers(1, 7), st.sampled_from(["right", "wrong", "garbage"]), st.booleans()
    ),
    min_size=2,
    max_size=10,
)


@FUZZ
@given(steps=STEPS)
def test_replayed_and_out_of_order_learner_actions_keep_the_books_straight(fuzz_world, steps):
    """Any order of real actions, each maybe sent twice: never a 500, and afterwards the progress rows
    agree with a rebuild from the ground truth and every answer is counted exactly once."""
    w = fuzz_world
    with transaction.atomic():
        client = client_for(w, "learner")
        for action, position, how, twice in steps:
            for send_number in range(2 if twice else 1):
                with Watch() as watch:
                    response = act(client, w, action, position, how)
                    step = FuzzRequest("learner", "POST", f"{action} #{position} {how}, send {send_number + 1}", [], "")
                    check_outcome(response, watch, step, f"in {steps}")
        assert Attempt.objects.open().filter(user=w.learner, quiz=w.quiz).count() <= 1
        for attempt in Attempt.objects.filter(user=w.learner):
            answered = set(attempt.responses.values_list("question_id", flat=True))
            assert answered <= set(attempt.question_order), f"an answer outside the attempt's questions: {steps}"
        answered = Response.objects.filter(attempt__user=w.learner, answered=True).count()
        counted = DailyActivity.objects.filter(user=w.learner).aggregate(n=Sum("questions_answered"))["n"] or 0
        assert counted == answered, f"{answered} answers but {counted} counted after {steps}"
        counts = rebuild([w.learner.pk])
        assert counts["created"] == counts["updated"] == 0, (
            f"progress rows disagree with the ground truth: {counts} after {steps}"
        )
        transaction.set_rollback(True)


# --- what fuzzing found, as plain tests --------------------------------------------------------------------


def test_a_member_id_beyond_64_bits_is_a_404_for_the_lead(fuzz_world):
    """``<int:user_id>`` takes any digits; Membership.objects.get(user_id=2**64) must still be a 404."""
    client = Client(raise_request_exception=False)
    client.force_login(fuzz_world.lead)
    slug = fuzz_world.cohort.slug
    with Watch() as watch:
        seen = client.get(reverse("cohorts:member", args=[slug, 2**64])).status_code
        removed = client.post(reverse("cohorts:remove", args=[slug, 2**64])).status_code
    assert (seen, removed) == (404, 404), watch.problems(500)
    assert Membership.objects.filter(cohort=fuzz_world.cohort).count() == 2


def test_signing_up_with_a_next_that_is_a_bare_word_still_redirects(db):
    """``?next=welcome`` passes the same-host check; redirect() then takes it for a URL name."""
    client = Client(raise_request_exception=False)
    form = {"username": "newcomer", "email": "newcomer@example.com", "display_name": "New"}
    form |= {"password1": "correct-horse-battery-42", "password2": "correct-horse-battery-42"}
    with Watch() as watch:
        response = client.post(reverse("accounts:signup") + "?next=welcome", form)
    assert response.status_code == 302, (response.status_code, watch.problems(response.status_code))


def test_bulk_add_takes_the_2000_lines_it_promises(fuzz_world):
    """The form says "Add at most 2,000 people at a time": 2,000 lines add 2,000 members."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    people = User.objects.bulk_create(User(username=f"bulk-{i}", email=f"bulk-{i}@example.com") for i in range(2000))
    client = Client(raise_request_exception=False)
    client.force_login(fuzz_world.instructor)
    lines = "\n".join(p.username if i % 2 else p.email.upper() for i, p in enumerate(people))
    with Watch() as watch:
        response = client.post(reverse("admin:cohorts_cohort_bulk_add", args=[fuzz_world.cohort.pk]), {"people": lines})
    assert response.status_code == 302, (response.status_code, connection.vendor, watch.problems(response.status_code))
    assert Membership.objects.filter(cohort=fuzz_world.cohort).count() == 2 + 2000


def test_the_fingerprint_sees_a_change_in_any_of_the_learners_rows(fuzz_world):
    """The comparison means something: each kind of row moves the learner's fingerprint."""
    from django.utils import timezone

    w = fuzz_world
    before = learner_fingerprints(w.subjects)
    changes = [
        lambda: w.learner.__class__.objects.filter(pk=w.learner.pk).update(display_name="x"),
        lambda: Membership.objects.filter(user=w.learner).delete(),
        lambda: Response.objects.filter(attempt=w.attempt).update(points=Decimal(1)),
        lambda: w.due_card.__class__.objects.filter(pk=w.due_card.pk).update(due=timezone.now()),
        lambda: DailyActivity.objects.filter(user=w.learner).update(reviews=9),
        lambda: Attempt.objects.filter(pk=w.attempt.pk).update(score=Decimal(3)),
    ]
    for change in changes:
        with transaction.atomic():
            change()
            after = learner_fingerprints(w.subjects)
            assert after[w.learner.pk] != before[w.learner.pk]
            assert after[w.other_learner.pk] == before[w.other_learner.pk]
            transaction.set_rollback(True)
    assert learner_fingerprints(w.subjects) == before
