import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cohorts import dashboard
from cohorts.forms import JoinForm
from cohorts.models import Cohort, Membership
from courses import catalog
from progress.views import learner_progress_page
from quizzes.feedback import feedback_for
from quizzes.models import Question


def _cohort_for(request: HttpRequest, slug: str) -> Cohort:
    """A cohort the user leads (any cohort for staff); everybody else gets a 404."""
    cohort = Cohort.objects.led_one(slug, request.user)
    if cohort is None:
        raise Http404
    cohort.path = catalog.path_by_id(cohort.path_id, catalog.current_marker())
    return cohort


def _member_of(cohort: Cohort, user_id: int) -> Membership:
    # user__pk, not user_id: Django guards pk lookups against integers beyond 64 bits, not *_id ones.
    return get_object_or_404(Membership.objects.select_related("user"), cohort=cohort, user__pk=user_id)


@login_required
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = list(Cohort.objects.led_by(request.user).select_related("path").order_by("-start_date", "name"))
    return render(request, "cohorts/list.html", {"nav": "cohorts", "cohorts": cohorts})


def _clean_filters(request: HttpRequest, context: dashboard.Context) -> dict:
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in dashboard.SORTS and not (
        sort.lstrip("-").startswith("m") and context.module(sort.lstrip("-")[1:])
    ):
        sort = "name"
    state = request.GET.get("state", "")
    module = request.GET.get("module", "")
    return {
        "sort": sort,
        "state": state if state in dashboard.FILTER_STATES else "",
        "module": module if context.module(module) else "",
        "q": " ".join(request.GET.get("q", "").replace("\x00", "").split())[:100],
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    context = dashboard.Context.load(cohort)
    filters = _clean_filters(request, context)
    members = dashboard.overview_queryset(
        context, sort=filters["sort"], state=filters["state"], module_id=filters["module"], text=filters["q"]
    )
    page = Paginator(dashboard.member_values(members), dashboard.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = dashboard.member_rows(context, dashboard.page_members(page.object_list))
    body = dashboard.rows_html(rows)
    base = {k: v for k, v in filters.items() if v and k != "sort"}
    columns = [
        ("name", _("Learner")),
        *((f"m{m.pk}", m.title) for m in context.modules),
        ("progress", _("Progress")),
        ("activity", _("Last activity")),
        ("quiz", _("Quiz average")),
    ]
    headers = []
    for key, label in columns:
        current = filters["sort"].lstrip("-") == key
        descending = filters["sort"].startswith("-")
        next_sort = f"-{key}" if current and not descending else key
        headers.append(
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode({**base, "sort": next_sort}),
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
            }
        )
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cohorts/overview.html#overview-table" if partial else "cohorts/overview.html"
    return render(
        request,
        template,
        {
            "nav": "cohorts",
            "tab": "overview",
            "cohort": cohort,
            "context": context,
            "page": page,
            "rows": rows,
            "rows_html": body,
            "headers": headers,
            "filters": filters,
            "states": [(s, dashboard.FILTER_LABELS[s]) for s in dashboard.FILTER_STATES],
            "page_query": urlencode({**base, "sort": filters["sort"]}),
            # Without a filter the paginator has counted the members already.
            "member_count": page.paginator.count if not base else cohort.memberships.count(),
        },
    )


@login_required
@require_GET
def attention(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    context = dashboard.Context.load(cohort)
    return render(
        request,
        "cohorts/attention.html",
        {
            "nav": "cohorts",
            "tab": "attention",
            "cohort": cohort,
            "items": dashboard.needs_attention(context),
            "inactive_days": dashboard.INACTIVE_DAYS,
            "overdue_many": dashboard.OVERDUE_MANY,
        },
    )


@login_required
@require_GET
def questions(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    context = dashboard.Context.load(cohort)
    from quizzes.statistics import EXPLANATIONS

    return render(
        request,
        "cohorts/questions.html",
        {
            "nav": "cohorts",
            "tab": "questions",
            "cohort": cohort,
            "rows": dashboard.cohort_questions(context),
            "explanations": EXPLANATIONS,
        },
    )


@login_required
@require_GET
def question_detail(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    question = get_object_or_404(
        Question.objects.shown_to_learners().select_related("quiz__module"),
        pk=question_id,
        quiz__module__path=cohort.path,
    )
    choices = list(question.choices.all())
    from quizzes.statistics import question_statistics

    stats = question_statistics([question.pk], user_ids=cohort.memberships.values("user_id"))[question.pk]
    return render(
        request,
        "cohorts/question.html",
        {
            "nav": "cohorts",
            "tab": "questions",
            "cohort": cohort,
            "question": question,
            "choices": choices,
            "key": feedback_for(question, choices, None),
            "stats": stats,
        },
    )


@login_required
@require_GET
def activity(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    context = dashboard.Context.load(cohort)
    weeks = dashboard.weekly_activity(context)
    funnel = dashboard.funnel(context)
    peak = max([1, *(w["lessons"] for w in weeks), *(w["attempts"] for w in weeks)])
    chart = []
    for index, week in enumerate(weeks):
        x = 40 + index * 36
        lessons_h = round(140 * week["lessons"] / peak)
        attempts_h = round(140 * week["attempts"] / peak)
        chart.append(
            {
                **week,
                "x": x,
                "lessons_h": lessons_h,
                "lessons_y": 160 - lessons_h,
                "attempts_h": attempts_h,
                "attempts_y": 160 - attempts_h,
                "label_x": x + 14,
            }
        )
    members = max(1, funnel[0]["members"]) if funnel else 1
    bars = [
        {
            **row,
            "width": round(400 * row["completed"] / members),
            "y": 10 + i * 34,
            "percent": round(100 * row["completed"] / members),
        }
        for i, row in enumerate(funnel)
    ]
    return render(
        request,
        "cohorts/activity.html",
        {
            "nav": "cohorts",
            "tab": "activity",
            "cohort": cohort,
            "weeks": chart,
            "peak": peak,
            "chart_width": 60 + 36 * len(chart),
            "funnel": bars,
            "funnel_height": 20 + 34 * len(bars),
        },
    )


@login_required
@require_GET
def member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    cohort = _cohort_for(request, slug)
    membership = _member_of(cohort, user_id)
    return learner_progress_page(request, membership.user, cohort.path, cohort=cohort, nav="cohorts")


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def export_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The overview as CSV, streamed: one row per member, memory flat whatever the cohort size."""
    cohort = _cohort_for(request, slug)
    context = dashboard.Context.load(cohort)
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # a byte-order mark, so that spreadsheet programs read the UTF-8 names right
        header = ["username", "display_name", "joined", "progress_percent", "last_activity", "quiz_average"]
        for module in context.modules:
            header += [f"{module.slug}_state", f"{module.slug}_best_score"]
        yield writer.writerow(header)
        for row in dashboard.export_rows(context):
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
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
            "join_url": request.build_absolute_uri("/cohorts/join/"),
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
