"""What a cohort lead sees: queries that stay a fixed number whatever the size of the cohort.

Sorting and filtering happen in the database (the state rule as SQL, progress/sql_states.py);
only the members of the page shown are loaded into Python.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html import escape

from django.db.models import Avg, Count, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower, TruncWeek
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import Cohort, Membership
from progress.models import LessonCompletion, ModuleProgress, ReviewCard
from progress.sql_states import state_conditions, state_rank
from progress.states import State, navigation, statuses_for
from quizzes.models import Attempt, Question
from quizzes.statistics import question_statistics

PAGE_SIZE = 50
INACTIVE_DAYS = 7
FAILED_TWICE = 2
OVERDUE_MANY = 5
STUCK = "stuck"  # a filter beside the states: failed the module's quiz twice or more, not passed
FILTER_STATES = [*State.ORDER, STUCK]
FILTER_LABELS = {**State.LABELS, STUCK: gettext_lazy("Failed its quiz twice or more")}


@dataclass
class Context:
    """The cohort's path, its modules and prerequisite edges: loaded once per request."""

    cohort: Cohort
    modules: list
    edges: dict

    @classmethod
    def load(cls, cohort: Cohort) -> "Context":
        modules, edges = navigation(cohort.path)
        return cls(cohort, modules, edges)

    def module(self, module_id):
        return next((m for m in self.modules if str(m.pk) == str(module_id)), None)

    def members(self):
        return Membership.objects.filter(cohort=self.cohort)

    @property
    def steps_total(self) -> int:
        return sum(m.lessons_total + (1 if m.quiz_id else 0) for m in self.modules)


def _progress_sums(context: Context):
    rows = ModuleProgress.objects.filter(user_id=OuterRef("user_id"), module_id__in=[m.pk for m in context.modules])
    quiz_modules = [m.pk for m in context.modules if m.quiz_id]
    steps = Subquery(
        rows.values("user_id")
        .annotate(n=Sum("lessons_completed") + Count("id", filter=Q(quiz_passed=True, module_id__in=quiz_modules)))
        .values("n")[:1]
    )
    average = Subquery(rows.filter(attempts__gt=0).values("user_id").annotate(a=Avg("best_percent")).values("a")[:1])
    last = Subquery(rows.values("user_id").annotate(t=Max("last_activity_at")).values("t")[:1])
    return {"steps_done": Coalesce(steps, Value(0)), "quiz_average": average, "last_activity": last}


SORTS = {
    "name": (Lower("user__display_name"), Lower("user__username")),
    "progress": ("steps_done",),
    "activity": ("last_activity",),
    "quiz": ("quiz_average",),
    "joined": ("joined_at",),
}


def overview_queryset(context: Context, *, sort: str = "name", state: str = "", module_id: str = "", text: str = ""):
    """Members of the cohort, filtered and sorted in SQL; only the sort key in use is computed."""
    members = context.members()
    if text:
        members = members.filter(
            Q(user__username__icontains=text) | Q(user__display_name__icontains=text)  # what the pages show: no e-mail
        )
    if state in FILTER_STATES:
        chosen = [context.module(module_id)] if context.module(module_id) else context.modules
        condition = Q(pk__in=[])
        for module in chosen:
            if state == STUCK:
                condition |= Q(
                    user_id__in=ModuleProgress.objects.filter(
                        module_id=module.pk, failed_attempts__gte=FAILED_TWICE, quiz_passed=False
                    ).values("user_id")
                )
            else:
                condition |= state_conditions(module, context.edges.get(module.pk, []))[state]
        members = members.filter(condition)
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key.startswith("m") and context.module(key[1:]):
        module = context.module(key[1:])
        members = members.annotate(sort_key=state_rank(module, context.edges.get(module.pk, [])))
        fields = ("sort_key",)
    elif key in ("progress", "activity", "quiz"):
        members = members.annotate(sort_key=_progress_sums(context)[SORT_KEYS[key]])
        fields = ("sort_key",)
    else:
        fields = SORTS.get(key, SORTS["name"])
    order = []
    for field in fields:
        expression = F(field) if isinstance(field, str) else field
        order.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
    return members.order_by(*order, "user_id")


def member_values(members):
    """The members as (user id, username, display name): a page of them needs no model instances."""
    return members.values_list("user_id", "user__username", "user__display_name")


def page_members(values) -> "list[Member]":
    return [Member(*row) for row in values]


SORT_KEYS = {"progress": "steps_done", "activity": "last_activity", "quiz": "quiz_average"}


@dataclass(slots=True)
class Member:
    user_id: int
    username: str
    display_name: str

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


@dataclass(slots=True)
class MemberRow:
    """One line of the overview, with everything the template shows computed once, here."""

    user: Member
    url: str
    cells: list
    percent: int
    last_activity: object
    quiz_average: Decimal | None


def _cell(status, labels: dict, cache: dict) -> str:
    failed = status.row.failed_attempts if status.row is not None and not status.row.quiz_passed else 0
    key = (status.state, failed if failed >= FAILED_TWICE else 0)
    if key not in cache:
        note = (
            format_html('<br><span class="small">{}</span>', _("quiz failed ×%(n)d") % {"n": key[1]}) if key[1] else ""
        )
        cache[key] = format_html('<td><span class="badge state-{}">{}</span>{}</td>', key[0], labels[key[0]], note)
    return cache[key]


def member_rows(context: Context, members: list[Member]) -> list[MemberRow]:
    """The page's members with their module states and summary figures (one query for the page)."""
    statuses = statuses_for(
        context.cohort.path, [m.user_id for m in members], modules=context.modules, edges=context.edges
    )
    labels = {state: str(label) for state, label in State.LABELS.items()}
    total = context.steps_total
    url = reverse("cohorts:member", args=[context.cohort.slug, 0]).removesuffix("0/")
    cache: dict = {}
    rows = []
    for member in members:
        mine = statuses[member.user_id]
        done = sum(min(s.steps_done, s.steps_total) for s in mine)
        progress_rows = [s.row for s in mine if s.row is not None]
        scores = [row.best_percent for row in progress_rows if row.best_percent is not None]
        moments = [row.last_activity_at for row in progress_rows if row.last_activity_at]
        rows.append(
            MemberRow(
                user=member,
                url=f"{url}{member.user_id}/",
                cells=[_cell(s, labels, cache) for s in mine],
                percent=round(100 * min(done, total) / total) if total else 0,
                last_activity=max(moments) if moments else None,
                quiz_average=sum(scores) / len(scores) if scores else None,
            )
        )
    return rows


def rows_html(rows: list[MemberRow]) -> str:
    """The overview's table body in one pass: 50 rows x 10 cells are too many template nodes."""
    zone = timezone.get_current_timezone()
    html = []
    for row in rows:
        last = dateformat.format(timezone.localtime(row.last_activity, zone), "j M") if row.last_activity else "—"
        average = f"{row.quiz_average:.0f}%" if row.quiz_average is not None else "—"
        # Every value from the database or the user is escaped; the cells are format_html output.
        html.append(
            f'<tr><th scope="row"><a href="{escape(row.url)}">{escape(row.user.shown_name)}</a><br>'
            f'<span class="small muted">{escape(row.user.username)}</span></th>{"".join(row.cells)}'
            f'<td class="num">{row.percent:d}%</td><td>{escape(last)}</td><td class="num">{escape(average)}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every interpolated value is escaped above


# --- needs attention -----------------------------------------------------------------------------


@dataclass
class Attention:
    membership: Membership
    reasons: list[str]


def needs_attention(context: Context, today=None) -> list[Attention]:
    """Learners inactive for a week, failing a quiz again and again, or with a pile of overdue reviews."""
    today = today or timezone.localdate()
    now = timezone.now()
    found: dict[int, Attention] = {}

    def add(membership, reason):
        found.setdefault(membership.pk, Attention(membership, [])).reasons.append(reason)

    cutoff = today - timedelta(days=INACTIVE_DAYS)
    inactive = (
        context.members()
        .select_related("user")
        .annotate(last_day=Max("user__activity_days__day"))
        .filter(Q(last_day__lt=cutoff) | Q(last_day__isnull=True, joined_at__date__lte=cutoff))
        .order_by("last_day", "user__username")
    )
    for membership in inactive:
        if membership.last_day is None:
            add(membership, _("No activity since joining on %(day)s") % {"day": membership.joined_at.date()})
        else:
            days = (today - membership.last_day).days
            add(
                membership, _("Inactive for %(n)d days (last active %(day)s)") % {"n": days, "day": membership.last_day}
            )
    module_ids = [m.pk for m in context.modules]
    titles = {m.pk: m.title for m in context.modules}
    failing = ModuleProgress.objects.filter(
        user__memberships__cohort=context.cohort,
        module_id__in=module_ids,
        failed_attempts__gte=FAILED_TWICE,
        quiz_passed=False,
    ).values("user_id", "module_id", "failed_attempts")
    overdue = (
        ReviewCard.objects.filter(user__memberships__cohort=context.cohort, due__lt=now - timedelta(days=1))
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n__gte=OVERDUE_MANY)
    )
    failing, overdue = list(failing), list(overdue)
    wanted = {row["user_id"] for row in failing} | {row["user_id"] for row in overdue}
    memberships = {m.user_id: m for m in context.members().filter(user_id__in=wanted).select_related("user")}
    for row in failing:
        add(
            memberships[row["user_id"]],
            _("Failed the “%(module)s” quiz %(n)d times without passing")
            % {"module": titles[row["module_id"]], "n": row["failed_attempts"]},
        )
    for row in overdue:
        add(memberships[row["user_id"]], _("%(n)d review cards overdue by more than a day") % {"n": row["n"]})
    return sorted(found.values(), key=lambda a: (-len(a.reasons), a.membership.user.username))


# --- questions -----------------------------------------------------------------------------------


def cohort_questions(context: Context):
    """Each question of the path's module quizzes with the cohort's statistics, hardest first."""
    questions = list(
        Question.objects.shown_to_learners()
        .filter(quiz__module__in=[m.pk for m in context.modules], quiz__lesson__isnull=True)
        .select_related("quiz__module")
    )
    members = context.members().values("user_id")
    stats = question_statistics([q.pk for q in questions], user_ids=members)
    rows = [(q, stats[q.pk]) for q in questions if stats[q.pk].responses]
    rows.sort(key=lambda item: (item[1].facility if item[1].facility is not None else 2, item[0].pk))
    return rows


# --- activity ------------------------------------------------------------------------------------


def weekly_activity(context: Context) -> list[dict]:
    """Lesson completions and finished quiz attempts per week since the cohort started."""
    start = context.cohort.start_date
    members = context.members().values("user_id")
    lessons = dict(
        LessonCompletion.objects.filter(user_id__in=members, completed_at__date__gte=start)
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    )
    attempts = dict(
        Attempt.objects.closed()
        .filter(user_id__in=members, submitted_at__date__gte=start)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    )
    by_week: dict = {}
    for source, name in ((lessons, "lessons"), (attempts, "attempts")):
        for week, n in source.items():
            day = week.date() if hasattr(week, "date") else week
            by_week.setdefault(day, {"lessons": 0, "attempts": 0})[name] += n
    first = start - timedelta(days=start.weekday())
    last = max([timezone.localdate(), *by_week]) if by_week else timezone.localdate()
    weeks = []
    day = first
    while day <= last:
        counts = by_week.get(day, {"lessons": 0, "attempts": 0})
        weeks.append({"week": day, **counts})
        day += timedelta(days=7)
    return weeks[-26:]


def funnel(context: Context) -> list[dict]:
    """How many members completed each module, in path order."""
    done = dict(
        ModuleProgress.objects.filter(
            user__memberships__cohort=context.cohort,
            completed_at__isnull=False,
            module_id__in=[m.pk for m in context.modules],
        )
        .values("module_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("module_id", "n")
    )
    total = context.members().count()
    return [{"module": m, "completed": done.get(m.pk, 0), "members": total} for m in context.modules]


# --- export --------------------------------------------------------------------------------------


def _grouped(iterable, key):
    """Yield (key, [items]) from an iterable sorted by key, without holding more than one group."""
    current, group = None, []
    for item in iterable:
        k = key(item)
        if group and k != current:
            yield current, group
            group = []
        current = k
        group.append(item)
    if group:
        yield current, group


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection): a leading ' when it could."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def export_rows(context: Context):
    """One list of cells per member, streamed from three ordered cursors merged by user id.

    A fixed number of queries and flat memory whatever the cohort size.
    """
    from progress.states import module_state

    modules = context.modules
    module_ids = [m.pk for m in modules]
    edges = context.edges
    members = context.members().select_related("user").order_by("user_id").iterator(chunk_size=500)
    rows = _grouped(
        ModuleProgress.objects.filter(user__memberships__cohort=context.cohort, module_id__in=module_ids)
        .order_by("user_id")
        .iterator(chunk_size=2000),
        key=lambda row: row.user_id,
    )
    cards = _grouped(
        ReviewCard.objects.filter(
            user__memberships__cohort=context.cohort, module_id__in=module_ids, due__lte=timezone.now()
        )
        .values("user_id", "module_id")
        .annotate(n=Count("id"))
        .order_by("user_id")
        .iterator(chunk_size=2000),
        key=lambda item: item["user_id"],
    )
    next_rows, next_cards = next(rows, (None, [])), next(cards, (None, []))
    total = context.steps_total
    for membership in members:
        user_id = membership.user_id
        while next_rows[0] is not None and next_rows[0] < user_id:
            next_rows = next(rows, (None, []))
        while next_cards[0] is not None and next_cards[0] < user_id:
            next_cards = next(cards, (None, []))
        by_module = {row.module_id: row for row in next_rows[1]} if next_rows[0] == user_id else {}
        overdue = {item["module_id"]: item["n"] for item in next_cards[1]} if next_cards[0] == user_id else {}
        completed = {pk for pk, row in by_module.items() if row.completed}
        steps, scores, cells, last = 0, [], [], None
        for module in modules:
            row = by_module.get(module.pk)
            state = module_state(
                row,
                has_quiz=module.quiz_id is not None,
                prerequisites_done=all(p in completed for p in edges.get(module.pk, [])),
                overdue=overdue.get(module.pk, 0),
            )
            best = row.best_percent if row is not None and row.attempts else None
            if row is not None:
                steps += min(row.lessons_completed, module.lessons_total) + (
                    1 if module.quiz_id and row.quiz_passed else 0
                )
                if row.last_activity_at and (last is None or row.last_activity_at > last):
                    last = row.last_activity_at
            if best is not None:
                scores.append(best)
            cells += [state, f"{best:.1f}" if best is not None else ""]
        user = membership.user
        average = sum(scores) / len(scores) if scores else None
        yield [
            spreadsheet_safe(user.username),
            spreadsheet_safe(user.display_name),
            membership.joined_at.date().isoformat(),
            round(100 * min(steps, total) / total) if total else 0,
            timezone.localtime(last).isoformat(timespec="minutes") if last else "",
            f"{average:.1f}" if average is not None else "",
            *cells,
        ]
