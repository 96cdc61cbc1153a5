"""Labs, their checks, and learners' submissions with their graded results.

A submission is stored before anything grades it (``Submission.submit``), graded by a background
task (labs/tasks.py) in a sandbox, and its result follows labs/results.py. A submission that no
worker finishes is retried or closed with an "error, try again" result by ``sweep_if_stale``, so no
learner waits on "Checking…" for ever.
"""

from __future__ import annotations

import logging
import random
import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from courses.models import ImportedContent, Lesson, Module, VersionedQuerySet
from devopslearn.lib.markdown import render_markdown
from labs import results, signals
from labs.grading import LabSpec, tools_of_kind
from labs.kinds import OWN, ArtifactKind
from labs.messages import Message
from labs.results import CheckSpec
from labs.rules import RULES

logger = logging.getLogger(__name__)

RULE_ID = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.:-]*\*?|\*)$")  # "DL3007", "E*" (a prefix), "*" (all)


class Tool(models.TextChoices):
    HADOLINT = "hadolint", "hadolint"
    CFN_LINT = "cfn-lint", "cfn-lint"
    ACTIONLINT = "actionlint", "actionlint"
    KUBERNETES_VALIDATE = "kubernetes-validate", "kubernetes-validate"
    YAMLLINT = "yamllint", "yamllint"
    OWN = OWN, _("DevOps Learn rule")


class LabQuerySet(VersionedQuerySet):
    def published(self):
        return self.filter(published=True, module__published=True)

    def required(self):
        return self.filter(required=True)

    def passed_by(self, user):
        """The labs ``user`` has passed (a graded learner submission with status "pass")."""
        return self.filter(Exists(Submission.objects.of_learners().passing().filter(user=user, lab=OuterRef("pk"))))

    def required_standing(self, user, modules) -> dict[int, tuple[int, int]]:
        """{module id: (required labs passed by ``user``, required labs)} for the published required
        labs of ``modules`` (ids or Module rows), in one query. Modules without labs are absent. For
        the progress app's completion rule: a module needs passed == required."""
        standing: dict[int, tuple[int, int]] = {}
        rows = self.published().required().filter(module__in=modules).with_standing(user)
        for module_id, passed in rows.values_list("module_id", "passed"):
            done, total = standing.get(module_id, (0, 0))
            standing[module_id] = (done + passed, total + 1)
        return standing

    def required_passes(self, user_ids, module_ids) -> dict[tuple[int, int], tuple[int, object]]:
        """{(user id, module id): (required labs passed, when the last of them was first passed)} for the
        published required labs of these modules, for these learners (None: every learner), in one
        query: the bulk form of ``required_standing`` (the progress app's rebuild reads it). A pass is
        never taken back by a later failing submission."""
        labs = self.published().required().filter(module_id__in=module_ids)
        passes = Submission.objects.of_learners().passing().filter(lab__in=labs)
        if user_ids is not None:
            passes = passes.filter(user_id__in=user_ids)
        found: dict[tuple[int, int], tuple[int, object]] = {}
        rows = passes.values_list("user_id", "lab__module_id", "lab_id").annotate(first=models.Min("graded_at"))
        for user_id, module_id, _lab_id, first in rows.order_by():
            count, last = found.get((user_id, module_id), (0, None))
            found[(user_id, module_id)] = (count + 1, first if last is None or (first and first > last) else last)
        return found

    def with_standing(self, user):
        """Each lab annotated with ``passed`` and ``tried`` for ``user`` (two EXISTS columns)."""
        mine = Submission.objects.of_learners().filter(user=user, lab=OuterRef("pk"))
        return self.annotate(passed=Exists(mine.passing()), tried=Exists(mine))


class Lab(ImportedContent):
    IMPORT_FIELDS = (
        "slug",
        "title",
        "order",
        "kind",
        "instructions_md",
        "starter",
        "solution",
        "pass_mark",
        "required",
        "published",
    )

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="labs")
    key = models.SlugField(
        _("key"), max_length=120, help_text=_("Stable identifier used by the content files; never shown to learners.")
    )
    slug = models.SlugField(_("slug"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("artifact kind"), max_length=32, choices=ArtifactKind.choices)
    instructions_md = models.TextField(_("instructions (markdown)"))
    instructions_html = models.TextField(_("instructions (rendered)"), editable=False, blank=True)
    starter = models.TextField(
        _("starter artifact"), help_text=_("What the learner starts from: with deliberate problems.")
    )
    solution = models.TextField(
        _("reference solution"), help_text=_("Passes every check; shown to staff only (the admin preview grades it).")
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=100, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Passing it is part of completing the module.")
    )
    published = models.BooleanField(_("published"), default=False)

    objects = LabQuerySet.as_manager()

    class Meta:
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        ordering = ["module__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["module", "key"], name="labs_lab_unique_key_in_module"),
            models.UniqueConstraint(fields=["module", "slug"], name="labs_lab_unique_slug_in_module"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = self.slug
        rendered = self.rendered_values()
        for name, value in rendered.items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *rendered}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("labs:lab", args=[self.module.path.slug, self.module.slug, self.slug])

    def rendered_values(self) -> dict:
        return self.rendered_in_each_language({"instructions_html": ("instructions_md", render_markdown)})

    def instructions_html_safe(self):
        """The stored, sanitised rendering: the only lab HTML ever marked safe."""
        return mark_safe(self.instructions_html)  # noqa: S308 - sanitised by render_markdown when saved

    def spec(self, checks=None) -> LabSpec:
        """What the grader needs (no database inside the sandbox)."""
        checks = list(self.checks.all()) if checks is None else checks
        return LabSpec(kind=self.kind, pass_mark=self.pass_mark, checks=tuple(check.spec() for check in checks))


class Check(ImportedContent):
    IMPORT_FIELDS = ("title", "order", "tool", "rules", "points", "required", "explanation_md")

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="checks")
    key = models.SlugField(_("key"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    tool = models.CharField(_("tool"), max_length=32, choices=Tool.choices)
    rules = models.CharField(
        _("rule ids"),
        max_length=300,
        help_text=_(
            "The tool's rule ids this check relies on, separated by commas (DL3006, DL3007); "
            "a trailing * matches a prefix (E* is every cfn-lint error)."
        ),
    )
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    required = models.BooleanField(_("required"), default=True, help_text=_("The lab fails while this check fails."))
    explanation_md = models.TextField(_("explanation when it fails (markdown)"))
    explanation_html = models.TextField(editable=False, blank=True)
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lab_checks",
        verbose_name=_("lesson that teaches it"),
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["lab", "key"], name="labs_check_unique_key_in_lab")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        rendered = self.rendered_values()
        for name, value in rendered.items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *rendered}
        super().save(*args, **kwargs)

    def import_values(self) -> dict:
        values = super().import_values()
        values["lesson"] = lesson_reference(self.lesson) if self.lesson_id else ""
        return values

    def rendered_values(self) -> dict:
        return self.rendered_in_each_language({"explanation_html": ("explanation_md", render_markdown)})

    def explanation_html_safe(self):
        return mark_safe(self.explanation_html)  # noqa: S308 - sanitised by render_markdown when saved

    @property
    def rule_list(self) -> list[str]:
        return split_rules(self.rules)

    def spec(self) -> CheckSpec:
        return CheckSpec(
            key=self.key,
            name=self.title,
            tool=self.tool,
            rules=tuple(self.rule_list),
            points=self.points,
            required=self.required,
        )

    def clean(self):
        problems = check_problems(self.lab.kind if self.lab_id else None, self.tool, self.rules)
        if problems:
            raise ValidationError(problems)


def split_rules(rules: str | list) -> list[str]:
    items = rules if isinstance(rules, list) else str(rules).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def check_problems(kind: str | None, tool: str, rules: str | list) -> list[str]:
    """What is wrong with a check's tool and rules for a lab of ``kind``, in plain words (empty: nothing).
    One rule for the content loader and the admin."""
    problems = []
    rule_ids = split_rules(rules)
    if kind and tool not in tools_of_kind(kind):
        allowed = ", ".join(tools_of_kind(kind))
        problems.append(f"A {ArtifactKind(kind).label} cannot be checked with {tool}; use one of: {allowed}.")
    if not rule_ids:
        problems.append("Name at least one rule id of the tool.")
    for rule_id in rule_ids:
        if not RULE_ID.match(rule_id):
            problems.append(f"'{rule_id}' is not a rule id (letters, digits, '-', '_', '.', ':', and '*' at the end).")
        elif tool == OWN and rule_id not in RULES:
            problems.append(f"There is no DevOps Learn rule '{rule_id}' (known: {', '.join(sorted(RULES))}).")
        elif tool == OWN and kind and kind not in RULES[rule_id].kinds:
            problems.append(f"The rule '{rule_id}' does not apply to a {ArtifactKind(kind).label}.")
    return problems


def lesson_reference(lesson: Lesson) -> str:
    """How a content file names a lesson: "module-slug/lesson-key"."""
    return f"{lesson.module.slug}/{lesson.key}"


# --- submissions ----------------------------------------------------------------------------------


class RateLimited(Exception):
    """Too many checks in the last minute; ``wait`` is the number of seconds until the next is allowed."""

    def __init__(self, wait: int):
        self.wait = wait
        super().__init__(wait)


class SubmissionState(models.TextChoices):
    QUEUED = "queued", _("Waiting for a checker")
    RUNNING = "running", _("Checking")
    GRADED = "graded", _("Graded")


PASSING = Q(status=results.PASS)  # a submission that passed its lab: ``passing()``


class SubmissionQuerySet(models.QuerySet):
    def of_learners(self):
        return self.filter(preview=False)

    def passing(self):
        return self.filter(PASSING)

    def pending(self):
        return self.exclude(state=SubmissionState.GRADED)

    def owned_by(self, user):
        return self.filter(user=user)

    def older_than(self, days: int):
        return self.filter(created_at__lt=timezone.now() - timedelta(days=days))

    def for_polling(self):
        """Only what the "Checking…" panel and ``sweep_if_stale`` read, and the lab's address: the
        panel that every waiting learner's page asks for again and again (not the file, not the
        result, not the lab's texts)."""
        return self.select_related("lab__module__path").only(*POLLED_FIELDS)

    def standing(self, user, lab_ids: list[int]) -> dict[int, bool]:
        """{lab id: passed} for the labs among ``lab_ids`` that ``user`` has tried (a learner
        submission), passed as ``passing`` says: one query, of two columns."""
        mine = self.of_learners().filter(user=user, lab_id__in=lab_ids).order_by().values_list("lab_id")
        return {lab_id: passes > 0 for lab_id, passes in mine.annotate(passes=models.Count("pk", filter=PASSING))}


class Submission(models.Model):
    """One press of "Check": the learner's artifact as sent, and its graded result."""

    # A grading worker that died leaves its submission "running": after this long it is retried (once)
    # or closed with an error that says to try again. Grading itself is bounded by the sandbox's 4.5 s of wall clock.
    RUNNING_DEADLINE = timedelta(seconds=60)
    # Stored but not yet enqueued (the queue was unreachable): enqueued again after this long.
    ENQUEUE_DEADLINE = timedelta(seconds=20)
    # Waiting in the queue this long means no worker is serving it: closed with "try again".
    QUEUE_PATIENCE = timedelta(minutes=10)
    MAX_TRIES = 2

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_submissions")
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="submissions")
    artifact = models.TextField(_("artifact"))
    preview = models.BooleanField(
        _("staff preview"), default=False, help_text=_("A preview of the starter or the solution from the admin.")
    )
    state = models.CharField(max_length=16, choices=SubmissionState.choices, default=SubmissionState.QUEUED)
    status = models.CharField(_("result"), max_length=8, blank=True, db_index=True)  # pass, fail, error
    score = models.PositiveIntegerField(default=0)
    max_score = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    # The page's language when Check was pressed: the grading writes its messages in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    # A page waiting for a verdict asks for it again after this long: every second at first, less often
    # the longer the wait (a long queue does not empty faster for being asked), each delay spread by
    # POLL_SPREAD either way so that a room that pressed Check in the same second stops asking in step.
    POLL_DELAYS = ((timedelta(seconds=5), 1.0), (timedelta(seconds=30), 2.0), (None, 4.0))
    POLL_SPREAD = 0.25

    class Meta:
        verbose_name = _("lab submission")
        verbose_name_plural = _("lab submissions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "lab", "-created_at"], name="labs_sub_user_lab_created"),
            models.Index(fields=["state", "created_at"], name="labs_sub_state_created"),
        ]

    def __str__(self) -> str:
        return f"{self.lab} · {self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("labs:submission", args=[self.public_id])

    @property
    def is_pending(self) -> bool:
        return self.state != SubmissionState.GRADED

    def poll_delay_ms(self, now=None) -> int:
        """How long a page that shows this pending submission waits before it asks again (POLL_DELAYS)."""
        waited = (now or timezone.now()) - self.created_at
        seconds = next(delay for until, delay in self.POLL_DELAYS if until is None or waited < until)
        spread = random.uniform(1 - self.POLL_SPREAD, 1 + self.POLL_SPREAD)  # noqa: S311 - timing, not secrecy
        return round(seconds * spread * 1000)

    # --- the life of a submission: submit, enqueue, claim, record; sweep when a worker died ---

    REPEAT_SECONDS = 5  # the same file checked again within this many seconds is the same check
    repeated = False  # set by submit on a submission it returns again

    @classmethod
    @transaction.atomic
    def submit(cls, user, lab: Lab, artifact: str, *, preview: bool = False) -> Submission:
        """Store a learner's artifact (before anything grades it). Raises RateLimited past
        LABS_CHECKS_PER_MINUTE checks in the last 60 seconds; previews are not limited.

        The same file checked again within REPEAT_SECONDS (a double click, a form sent twice) is the
        same check: the learner's latest submission of the lab is returned, not a second one; its
        ``repeated`` attribute is then True (it is queued already)."""
        if not preview:
            # One learner's checks are counted one at a time (the row lock serialises two tabs).
            list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
            latest = (
                cls.objects.of_learners()
                .filter(user=user, lab=lab, created_at__gte=timezone.now() - timedelta(seconds=cls.REPEAT_SECONDS))
                .order_by("-created_at", "-pk")
                .first()
            )
            if latest is not None and latest.artifact == artifact:
                latest.repeated = True
                return latest
            since = timezone.now() - timedelta(seconds=60)
            recent = list(
                cls.objects.of_learners()
                .filter(user=user, created_at__gte=since)
                .order_by("created_at")
                .values_list("created_at", flat=True)[: settings.LABS_CHECKS_PER_MINUTE]
            )
            if len(recent) >= settings.LABS_CHECKS_PER_MINUTE:
                wait = (recent[0] + timedelta(seconds=60) - timezone.now()).total_seconds()
                raise RateLimited(max(1, int(wait + 0.999)))
        return cls.objects.create(
            user=user, lab=lab, artifact=artifact, preview=preview, language=translation.get_language() or ""
        )

    def enqueue(self) -> None:
        """Hand the submission to the grading queue. A queue that cannot be reached leaves it stored
        and queued: ``sweep_if_stale`` enqueues it again."""
        from devopslearn.lib.logging import request_id
        from labs.tasks import grade_submission

        try:
            task = grade_submission.enqueue(self.pk, request_id=request_id())
        except Exception:
            logger.exception("could not enqueue lab submission %s", self.pk)
            return
        self.task_id, self.enqueued_at = str(task.id)[:64], timezone.now()
        Submission.objects.filter(pk=self.pk).update(task_id=self.task_id, enqueued_at=self.enqueued_at)

    @classmethod
    def claim(cls, pk: int) -> Submission | None:
        """Mark a queued submission as being graded by this worker; None if it is not queued any
        more (graded already, or claimed by another worker after a retry)."""
        now = timezone.now()
        with transaction.atomic():
            claimed = cls.objects.filter(pk=pk, state=SubmissionState.QUEUED).update(
                state=SubmissionState.RUNNING, started_at=now, tries=models.F("tries") + 1
            )
        if not claimed:
            return None
        return cls.objects.select_related("lab", "user").get(pk=pk)

    def record(self, result: dict) -> None:
        """Store a graded result; announce a learner's first pass of the lab (``signals.lab_passed``)."""
        with transaction.atomic():
            passed_before = (
                not self.preview
                and Submission.objects.of_learners()
                .passing()
                .filter(user_id=self.user_id, lab_id=self.lab_id)
                .exclude(pk=self.pk)
                .exists()
            )
            self.state, self.status, self.result = SubmissionState.GRADED, result["status"], result
            self.score, self.max_score, self.percent = result["score"], result["max_score"], result["percent"]
            self.graded_at = timezone.now()
            updated = (
                Submission.objects.filter(pk=self.pk)
                .exclude(state=SubmissionState.GRADED)
                .update(
                    state=self.state,
                    status=self.status,
                    result=self.result,
                    score=self.score,
                    max_score=self.max_score,
                    percent=self.percent,
                    graded_at=self.graded_at,
                )
            )
            if not updated:
                return  # another worker (a retry) recorded it first
            signals.submission_graded.send(sender=Submission, submission=self)
            if self.status == results.PASS and not self.preview and not passed_before:
                signals.lab_passed.send(sender=Lab, user=self.user, lab=self.lab, submission=self)

    def sweep_if_stale(self, now=None) -> bool:
        """Retry or close this submission if no worker is going to finish it; True if it did either."""
        now = now or timezone.now()
        if self.state == SubmissionState.RUNNING and self.started_at and now - self.started_at > self.RUNNING_DEADLINE:
            if self.tries < self.MAX_TRIES:
                requeued = Submission.objects.filter(
                    pk=self.pk, state=SubmissionState.RUNNING, started_at=self.started_at
                ).update(state=SubmissionState.QUEUED, started_at=None)
                if requeued:
                    self.state, self.started_at = SubmissionState.QUEUED, None
                    self.enqueue()
                return bool(requeued)
            self.record(results.error(Message(STOPPED_MESSAGE), max_score=self.max_score))
            return True
        if self.state == SubmissionState.QUEUED:
            if not self.task_id and now - self.created_at > self.ENQUEUE_DEADLINE:
                self.enqueue()
                return True
            if now - self.created_at > self.QUEUE_PATIENCE:
                self.record(results.error(Message(NO_WORKER_MESSAGE), max_score=self.max_score))
                return True
        return False


# What ``SubmissionQuerySet.for_polling`` reads.
POLLED_FIELDS = (
    "public_id",
    "user",
    "lab",
    "preview",
    "state",
    "max_score",
    "tries",
    "task_id",
    "created_at",
    "started_at",
    "lab__slug",
    "lab__module__slug",
    "lab__module__path__slug",
)

# Written into a result in the grading's language, with their msgid (labs.messages; these are only marked).
STOPPED_MESSAGE = gettext_noop(
    "The checker stopped before it finished, twice. Your file is saved: press Check to try again, and tell your "
    "instructor if it happens again."
)
NO_WORKER_MESSAGE = gettext_noop(
    "No checker was free to check this file for ten minutes. Your file is saved: press Check to try again later."
)
BROKEN_MESSAGE = gettext_noop("The checker failed on our side. Your file is saved: press Check to try again.")
