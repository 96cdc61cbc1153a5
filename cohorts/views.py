"""The cohort lead's pages (overview, needs attention, questions, activity, roster, drill-down,
CSV) and joining or leaving a cohort.

These pages compose the apps below: members' standing from ``progress`` (the drill-down is the
progress page itself, read-only) and question statistics from ``quizzes``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from cohorts import activity as cohort_activity
from cohorts import attention as cohort_attention
from cohorts import drilldown, export, overview
from cohorts import questions as cohort_statistics
from cohorts.forms import GrantForm, JoinForm
from cohorts.models import Cohort, Membership
from courses import catalog
from devopslearn.lib import fragments
from progress.states import PathPlan
from progress.views import progress_body
from quizzes.attempts import close_expired, grant
from quizzes.feedback import feedback_for
from quizzes.models import Attempt, AttemptAllowance, Question, Quiz
from quizzes.statistics import EXPLANATIONS, in_page_language

COHORTS_PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _cohort_for(request: HttpRequest, slug: str) -> Cohort:
    """A cohort the user leads (any cohort for staff), its path from the content cache; else a 404.
    Its members' attempts whose time ran out are closed first (at their deadlines), so that every
    page and file of the cohort reads them closed."""
    cohort = Cohort.objects.led_by(request.user).filter(slug=slug).first()
    if cohort is None:
        raise Http404
    cohort.path = catalog.path_by_id(cohort.path_id, catalog.current_marker())
    close_expired(Attempt.objects.filter(user__in=cohort.memberships.values("user_id")))
    return cohort


def _member_of(cohort: Cohort, user_id: int) -> Membership:
    # user__pk, not user_id: Django guards pk lookups against integers beyond 64 bits, not *_id ones.
    return get_object_or_404(Membership.objects.select_related("user"), cohort=cohort, user__pk=user_id)


@login_required
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    """The cohorts the user leads (every cohort, for staff: many over the years), newest first, paged."""
    cohorts = Cohort.objects.led_by(request.user).select_related("path").order_by("-start_date", "name", "pk")
    page = Paginator(cohorts, COHORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cohorts/list.html", {"nav": "cohorts", "cohorts": page.object_list, "page": page})


def _sort_headers(columns: list[tuple[str, str]], sort: str, base: dict) -> list[dict]:
    """A sortable table's headers: for each (key, label) column, the link that sorts by it (again:
    the other way), keeping the ``base`` query, and its aria-sort. ``anchor`` is the header's id: a
    link without JavaScript ends with it, so the sorted page opens at the table, scrolled to the column."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    return [
        {
            "key": column,
            "label": label,
            "anchor": f"sort-{column}",
            "url": "?" + urlencode({**base, "sort": f"-{column}" if column == key and not descending else column}),
            "aria_sort": ("descending" if descending else "ascending") if column == key else "none",
        }
        for column, label in columns
    ]


def _clean_filters(request: HttpRequest, plan: PathPlan) -> dict:
    state = request.GET.get("state", "")
    module = request.GET.get("module", "")
    return {
        "sort": overview.clean_sort(request.GET.get("sort", "name"), plan),
        "state": state if state in overview.FILTER_STATES else "",
        "module": module if plan.module(module) else "",
        "q": " ".join(request.GET.get("q", "").replace("\x00", "").split())[:100],
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def overview_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    plan = PathPlan.of(cohort.path)
    filters = _clean_filters(request, plan)
    members = overview.members(cohort, plan, state=filters["state"], module_id=filters["module"], text=filters["q"])
    page = overview.page(
        members, plan, sort=filters["sort"], after=request.GET.get("after", ""), before=request.GET.get("before", "")
    )
    base = {k: v for k, v in filters.items() if v and k != "sort"}
    headers = _sort_headers([(c.key, c.label) for c in overview.columns(plan)], filters["sort"], base)
    query = {**base, "sort": filters["sort"]}
    if base:  # counted up to a limit: a filter is checked member by member, the count must not read them all
        shown, member_count = members[: overview.COUNT_LIMIT + 1].count(), cohort.memberships.count()
    else:
        shown = member_count = members.count()
    table = fragments.render(
        "cohorts/overview.html#overview-table",
        {
            "cohort_slug": cohort.slug,
            "sort": filters["sort"],
            "headers": headers,
            "rows": overview.rows(plan, page.rows),
            "shown": shown,
            "member_count": member_count,
            "count_limit": overview.COUNT_LIMIT if base else None,  # a filtered count stops there
            "previous": "?" + urlencode({**query, "before": page.previous}) if page.previous else "",
            "next": "?" + urlencode({**query, "after": page.next}) if page.next else "",
        },
    )
    if request.htmx and not request.htmx.history_restore_request:
        return HttpResponse(table)
    return render(
        request,
        "cohorts/overview.html",
        {
            "nav": "cohorts",
            "tab": "overview",
            "cohort": cohort,
            "modules": plan.modules,
            "filters": filters,
            "states": [(s, overview.FILTER_LABELS[s]) for s in overview.FILTER_STATES],
            "table": table,
        },
    )


@login_required
@require_GET
def attention(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    plan = PathPlan.of(cohort.path)
    reason = request.GET.get("reason", "")
    reason = reason if reason in cohort_attention.KINDS else ""
    page = cohort_attention.attention_page(
        cohort, plan, kind=reason, after=request.GET.get("after", ""), before=request.GET.get("before", "")
    )
    cursor = {"reason": reason} if reason else {}
    counts = cohort_attention.counts(cohort, plan)
    return render(
        request,
        "cohorts/attention.html",
        {
            "nav": "cohorts",
            "tab": "attention",
            "cohort": cohort,
            "items": page.items,
            "previous": "?" + urlencode({**cursor, "before": page.previous}) if page.previous else "",
            "next": "?" + urlencode({**cursor, "after": page.next}) if page.next else "",
            "counts": counts,
            "shown_count": counts[reason or "all"],
            "count_limit": overview.COUNT_LIMIT,
            "reason": reason,
            "inactive_days": cohort_attention.INACTIVE_DAYS,
            "overdue_many": cohort_attention.OVERDUE_MANY,
        },
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def questions(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The questions the cohort answered, of one module or all, sorted and paged (the module, the sort
    and the page in the address, so that every link keeps the others)."""
    cohort = _cohort_for(request, slug)
    plan = PathPlan.of(cohort.path)
    module = request.GET.get("module", "")
    filters = {
        "module": module if plan.module(module) else "",
        "sort": cohort_statistics.clean_sort(request.GET.get("sort", "")),
    }
    stats = cohort_statistics.snapshot(cohort)
    rows = cohort_statistics.cohort_questions(cohort, plan, stats, module_id=filters["module"], sort=filters["sort"])
    page = Paginator(rows, cohort_statistics.PAGE_SIZE).get_page(request.GET.get("page"))
    misconceptions = stats.misconceptions
    if filters["module"]:
        misconceptions = cohort_statistics.module_misconceptions(stats, rows)
    misconception_page = Paginator(misconceptions, cohort_statistics.MISCONCEPTIONS_PAGE_SIZE).get_page(
        request.GET.get("mpage")
    )
    in_page_language([item for _question, item in page.object_list], misconception_page.object_list)
    columns = [("module", _("Module")), ("responses", _("Responses")), ("facility", _("Facility"))]
    headers = _sort_headers(columns, filters["sort"], {"module": filters["module"]} if filters["module"] else {})
    return render(
        request,
        # htmx asks for the statistics alone while they are being computed
        "cohorts/questions.html#statistics" if request.htmx else "cohorts/questions.html",
        {
            "nav": "cohorts",
            "tab": "questions",
            "cohort": cohort,
            "modules": plan.modules,
            "filters": filters,
            "headers": {h["key"]: h for h in headers},  # by key: the sortable headers sit among others
            "page": page,
            "misconceptions": misconception_page.object_list,
            "misconception_page": misconception_page,
            "snapshot": stats,
            "max_age": int(cohort_statistics.MAX_AGE.total_seconds() // 60),
            "explanations": EXPLANATIONS,
        },
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def question_detail(request: HtmxHttpRequest, slug: str, question_id: int) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    question = get_object_or_404(
        Question.objects.shown_to_learners().select_related("quiz__module"),
        pk=question_id,
        quiz__module__path=cohort.path,
    )
    choices = list(question.choices.all())
    snapshot = cohort_statistics.snapshot(cohort)
    stats = snapshot.of(question.pk)
    misconceptions = snapshot.by_question.get(question.pk, [])
    in_page_language([stats], misconceptions)
    return render(
        request,
        # htmx asks for the statistics alone while they are being computed
        "cohorts/question.html#statistics" if request.htmx else "cohorts/question.html",
        {
            "nav": "cohorts",
            "tab": "questions",
            "cohort": cohort,
            "question": question,
            "choices": choices,
            "key": feedback_for(question, choices, None),
            "stats": stats,
            "misconceptions": misconceptions,
            "snapshot": snapshot,
            "max_age": int(cohort_statistics.MAX_AGE.total_seconds() // 60),
            "explanations": EXPLANATIONS,
        },
    )


@login_required
@require_GET
def activity(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    weeks = cohort_activity.weekly_activity(cohort)
    funnel = cohort_activity.funnel(cohort, PathPlan.of(cohort.path))
    return render(
        request,
        "cohorts/activity.html",
        {
            "nav": "cohorts",
            "tab": "activity",
            "cohort": cohort,
            "weeks": weeks,
            "chart": cohort_activity.chart(weeks),
            "funnel": funnel,
            "funnel_height": 20 + cohort_activity.FUNNEL_STEP * len(funnel),
        },
    )


@login_required
@require_GET
def member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """A member's drill-down: their progress page (read-only), their quiz attempts and the questions
    they keep missing."""
    cohort = _cohort_for(request, slug)
    learner = _member_of(cohort, user_id).user
    marker = catalog.current_marker()
    statuses = PathPlan.of(cohort.path, marker).statuses_for([learner.pk])[learner.pk]
    return render(
        request,
        "cohorts/member.html",
        {
            "nav": "cohorts",
            "cohort": cohort,
            "learner": learner,
            "body": progress_body(learner, cohort.path, statuses, marker, cohort=cohort),
            "attempts": drilldown.attempts(learner.pk, cohort.path.pk),
            "missed": drilldown.missed_questions(learner.pk, cohort.path.pk),
            "missed_again": drilldown.MISSED_AGAIN,
        },
    )


@login_required
@require_GET
def export_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The overview as CSV, streamed: one row per member, memory flat whatever the cohort size.
    Times are in the lead's time zone, read now: the file streams after the request's zone is off.
    The header is readable, in the lead's language; ``?headers=slugs`` gives the fixed names scripts read."""
    cohort = _cohort_for(request, slug)
    zone = timezone.get_current_timezone()
    slugs = request.GET.get("headers") == "slugs"
    response = StreamingHttpResponse(
        export.stream(cohort, PathPlan.of(cohort.path), zone, slugs=slugs), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{cohort.slug}-{stamp}.csv"'
    return response


@login_required
@require_GET
def roster(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    members = cohort.memberships.select_related("user").order_by("user__username")
    page = Paginator(members, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "cohorts/roster.html",
        {
            "nav": "cohorts",
            "tab": "roster",
            "cohort": cohort,
            "page": page,
            "join_url": request.build_absolute_uri(reverse("cohorts:join")),
        },
    )


@login_required
@require_POST
def rotate_code(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    cohort.rotate_invite_code()
    messages.success(
        request, _("New invite code: %(code)s. The old one no longer works.") % {"code": cohort.invite_code}
    )
    return redirect("cohorts:roster", cohort.slug)


@login_required
@require_POST
def toggle_invites(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    cohort.invite_active = request.POST.get("active") == "1"
    cohort.save(update_fields=["invite_active"])
    messages.success(request, _("Invitations are on.") if cohort.invite_active else _("Invitations are off."))
    return redirect("cohorts:roster", cohort.slug)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    membership = _member_of(cohort, user_id)
    membership.delete()
    messages.success(request, _("%(name)s was removed from the cohort.") % {"name": membership.user.shown_name})
    return redirect("cohorts:roster", cohort.slug)


@login_required
@require_http_methods(["GET", "POST"])
def grant_extra(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Extra attempts or time for one member of the lead's cohort on a quiz of its path, with the
    record of every grant so far (who, when, why). Anybody outside the cohort is a 404."""
    cohort = _cohort_for(request, slug)
    member = _member_of(cohort, user_id).user
    quizzes = Quiz.objects.shown_to_learners().filter(module__path=cohort.path_id).order_by("module__order", "pk")
    form = GrantForm(request.POST if request.method == "POST" else None, quizzes=quizzes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grant(
            quiz=data["quiz"],
            user=member,
            granted_by=request.user,
            reason=data["reason"],
            extra_attempts=data["extra_attempts"],
            extra_minutes=data["extra_minutes"],
        )
        messages.success(
            request, _("Granted to %(name)s on “%(quiz)s”.") % {"name": member.shown_name, "quiz": data["quiz"].title}
        )
        return redirect("cohorts:grant", cohort.slug, member.pk)
    grants = (
        AttemptAllowance.objects.filter(user=member, quiz__in=quizzes)
        .select_related("quiz", "granted_by")
        .order_by("-created_at")
    )
    return render(
        request,
        "cohorts/grant.html",
        {"nav": "cohorts", "tab": "roster", "cohort": cohort, "member": member, "form": form, "grants": grants},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = Cohort.objects.filter(invite_code=form.cleaned_data["code"]).first()
        if cohort is None or not cohort.invite_active:
            form.add_error("code", _("That invite code is not valid. Check it with your cohort lead."))
        elif cohort.has_ended():
            form.add_error(
                "code", _("The cohort “%(name)s” has ended; it no longer takes new members.") % {"name": cohort.name}
            )
        else:
            try:
                with transaction.atomic():
                    _membership, created = Membership.objects.get_or_create(cohort=cohort, user=request.user)
            except IntegrityError:  # joined by a concurrent request
                created = False
            if created:
                messages.success(
                    request, _("You joined “%(name)s”. Its leads can now see your progress.") % {"name": cohort.name}
                )
            else:
                messages.info(request, _("You are already in “%(name)s”.") % {"name": cohort.name})
            return redirect("accounts:account")
    return render(request, "cohorts/join.html", {"form": form})


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("cohort"), cohort__slug=slug, user=request.user)
    membership.delete()
    messages.success(request, _("You left “%(name)s”.") % {"name": membership.cohort.name})
    return redirect("accounts:account")
