"""The lab pages: the labs list, a lab with its editor and results, and a submission's result.

Their templates ask progress's {% module_status %} tag whether a lab's module is locked, why, and
what opens it, as the lesson pages say (labs sits below progress and imports nothing of it).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import IntegerField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from courses.models import Module
from labs.forms import SubmissionForm
from labs.kinds import KINDS
from labs.models import Lab, RateLimited, Submission, Tool

HISTORY_SIZE = 20


def _lab(path_slug: str, module_slug: str, lab_slug: str) -> Lab:
    """A published lab of a published module: 404 otherwise."""
    return get_object_or_404(
        Lab.objects.published().select_related("module__path"),
        module__path__slug=path_slug,
        module__slug=module_slug,
        slug=lab_slug,
    )


def _own_submission(request: HttpRequest, public_id, lab: Lab | None = None) -> Submission:
    """The learner's own submission; anybody else's is a 404, so that its existence is not revealed."""
    submissions = Submission.objects.of_learners().owned_by(request.user).select_related("lab__module__path")
    if lab is not None:
        submissions = submissions.filter(lab=lab)
    return get_object_or_404(submissions, public_id=public_id)


def result_rows(submission: Submission | None, checks: list) -> list[tuple[dict, object]]:
    """The checks of a graded result beside the lab's Check rows (for explanations and lessons)."""
    if submission is None or submission.is_pending:
        return []
    by_key = {check.key: check for check in checks}
    return [(item, by_key.get(item["key"])) for item in submission.result.get("checks", [])]


def _history(user, lab: Lab) -> list[Submission]:
    """The learner's latest checks of ``lab``, newest first (without their texts and results, with the
    pass mark they were graded against: labs.templatetags.labs.shortfall)."""
    return list(
        Submission.objects.of_learners()
        .owned_by(user)
        .filter(lab=lab)
        .defer("artifact", "result")
        .annotate(pass_mark=Cast(KT("result__pass_mark"), IntegerField()))[:HISTORY_SIZE]
    )


def _checks(lab: Lab) -> list:
    return list(lab.checks.select_related("lesson__module__path"))


def _result_panel(
    request: HttpRequest, lab: Lab, shown: Submission | None, *, checks=None, refusal: str = "", history_oob: bool
) -> dict:
    """The context of the result panel (lab.html's ``result`` partial) and of the history beside it.

    The one place that says what the panel shows: the page, the Check POST and the poll all build it
    here. The lab's checks are read only when ``shown`` is graded (its rows name them) and the caller
    has not read them already: a pending panel says "Checking…" and needs none. With ``history_oob``,
    an HTMX answer carries the history too (out of band), so that a new check or score shows in it."""
    history = _history(request.user, lab)
    if checks is None and shown is not None and not shown.is_pending:
        checks = _checks(lab)
    return {
        "lab": lab,
        "submission": shown,
        "rows": result_rows(shown, checks or []),
        "history": history,
        "latest": history[0] if history else None,
        "refusal": refusal,
        "history_oob": history_oob,
    }


def _page(
    request: HttpRequest, lab: Lab, *, shown: Submission | None = None, form=None, refusal: str = "", status: int = 200
) -> HttpResponse:
    """The lab page, or (for HTMX) its result panel only, which needs neither the form nor the checks' list."""
    if shown is None and not request.GET.get("starter"):
        shown = Submission.objects.of_learners().owned_by(request.user).filter(lab=lab).first()
    if shown is not None and shown.is_pending:
        shown.sweep_if_stale()
    history_oob = request.method == "POST" and not refusal
    if request.htmx:
        context = _result_panel(request, lab, shown, refusal=refusal, history_oob=history_oob)
        return render(request, "labs/lab.html#result", context, status=status)
    checks = _checks(lab)
    if form is None:
        text = lab.starter if request.GET.get("starter") or shown is None else shown.artifact
        form = SubmissionForm(initial={"artifact": text}, lab=lab)
    context = _result_panel(request, lab, shown, checks=checks, refusal=refusal, history_oob=history_oob)
    context.update(
        nav="path",
        module=lab.module,
        kind=KINDS[lab.kind],
        checks=checks,
        every_lab_checks=[
            {"name": gettext(spec.name), "tool": Tool(spec.tool).label, "rules": ", ".join(spec.rules)}
            for spec in lab.spec(checks).every_lab_checks
        ],
        points=sum(check.points for check in checks),
        form=form,
        uses_actionlint=any(check.tool == "actionlint" for check in checks),
    )
    return render(request, "labs/lab.html", context, status=status)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    labs = (
        Lab.objects.published()
        .with_standing(request.user)
        .select_related("module__path")
        .order_by("module__order", "order", "id")
    )
    modules: dict[Module, list[Lab]] = {}
    for lab in labs:
        modules.setdefault(lab.module, []).append(lab)
    return render(request, "labs/index.html", {"nav": "path", "modules": list(modules.items())})


@login_required
@require_GET
def lab_page(request: HttpRequest, path_slug: str, module_slug: str, lab_slug: str) -> HttpResponse:
    lab = _lab(path_slug, module_slug, lab_slug)
    public_id = request.GET.get("submission")
    shown = None
    if public_id:
        try:
            shown = _own_submission(request, public_id, lab)
        except (ValueError, ValidationError, Http404):
            raise Http404 from None
    return _page(request, lab, shown=shown)


@login_required
@require_POST
def check(request: HttpRequest, path_slug: str, module_slug: str, lab_slug: str) -> HttpResponse:
    lab = _lab(path_slug, module_slug, lab_slug)
    form = SubmissionForm(request.POST, lab=lab)
    if not form.is_valid():
        return _page(request, lab, form=form, refusal=form.errors["artifact"][0], status=200 if request.htmx else 400)
    try:
        submission = Submission.submit(request.user, lab, form.cleaned_data["artifact"])
    except RateLimited as limited:
        message = ngettext(
            "You pressed Check 10 times in the last minute. Wait %(n)d second, then check again: your file is kept.",
            "You pressed Check 10 times in the last minute. Wait %(n)d seconds, then check again: your file is kept.",
            limited.wait,
        ) % {"n": limited.wait}
        return _page(request, lab, form=form, refusal=message, status=200 if request.htmx else 429)
    if not submission.repeated:  # a repeat (a double click) is queued already
        submission.enqueue()
    if request.htmx:
        submission.refresh_from_db()
        return _page(request, lab, shown=submission, form=form)
    return redirect(f"{lab.get_absolute_url()}?submission={submission.public_id}#result")


@login_required
@require_GET
def submission(request: HttpRequest, public_id) -> HttpResponse:
    """One submission's result: the result panel for HTMX polling, else its lab page.

    Every learner waiting for a verdict asks for this again and again (``Submission.poll_delay_ms``),
    so while the submission is pending the answer reads only the "Checking…" panel's few columns
    (``for_polling``): not the file, not the result, not the lab's checks. The graded answer is the
    last: its panel has no ``hx-get``, so the page stops asking, and it carries the history's new
    score out of band."""
    try:
        polled = Submission.objects.of_learners().owned_by(request.user).for_polling().get(public_id=public_id)
    except Submission.DoesNotExist:
        raise Http404 from None
    if not request.htmx:
        return redirect(f"{polled.lab.get_absolute_url()}?submission={polled.public_id}#result")
    polled.sweep_if_stale()
    if polled.is_pending:
        return render(request, "labs/lab.html#result", {"lab": polled.lab, "submission": polled, "refusal": ""})
    shown = _own_submission(request, public_id)  # graded: the result, once, and its score in the history
    return render(request, "labs/lab.html#result", _result_panel(request, shown.lab, shown, history_oob=True))
