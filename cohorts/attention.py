"""The cohort's "Needs attention" tab: who is inactive, stuck on a quiz, or behind on reviews.

Fifty at a time, the longest inactive first (never active, then by the kept last active day): the
database walks the cohort's index on the last active day and stops at the fiftieth flagged member,
so a page costs the same in a cohort of a thousand or ten thousand."""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort, Membership
from cohorts.overview import COUNT_LIMIT, PAGE_SIZE, stuck_rows
from devopslearn.lib import keyset
from progress.models import ReviewCard
from progress.states import PathPlan

INACTIVE_DAYS = 7
OVERDUE_MANY = 5

MEMBER = keyset.Key(F("user_id"), IntegerField())
# Never active first, then the longest inactive: the order of the index on the last active day.
ORDER = keyset.Ordering(
    (
        keyset.Part(Q(last_active_day__isnull=True), (MEMBER,)),
        keyset.Part(Q(last_active_day__isnull=False), (keyset.Key(F("last_active_day"), DateField()), MEMBER)),
    )
)


INACTIVE, STUCK, OVERDUE = "inactive", "stuck", "overdue"
KINDS = (INACTIVE, STUCK, OVERDUE)  # the order the page lists them in


@dataclass
class Attention:
    membership: Membership
    reasons: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # of KINDS


@dataclass
class AttentionPage:
    items: list[Attention]
    next: str | None  # keyset cursors (devopslearn.lib.keyset)
    previous: str | None


def _overdue_cards(now):
    """Review cards overdue by more than a day (ReviewCardQuerySet.due a day ago)."""
    return ReviewCard.objects.due(now - timedelta(days=1))


def rules(plan: PathPlan, today) -> dict[str, Q]:
    """{kind: the condition on a cohort's memberships}: inactive for INACTIVE_DAYS (by the kept last
    active day), failed a module's quiz twice without passing, or OVERDUE_MANY review cards overdue
    (the last needs the ``overdue`` alias that ``flagged`` adds)."""
    cutoff = today - timedelta(days=INACTIVE_DAYS)
    stuck = Exists(stuck_rows().filter(user_id=OuterRef("user_id"), module_id__in=[m.pk for m in plan.modules]))
    return {
        INACTIVE: Q(last_active_day__lt=cutoff) | Q(last_active_day__isnull=True, joined_at__date__lte=cutoff),
        STUCK: Q(stuck),
        OVERDUE: Q(overdue__gte=OVERDUE_MANY),
    }


def flagged(cohort: Cohort, plan: PathPlan, today, now, kind: str = ""):
    """The cohort's memberships that match a rule (only the rule ``kind`` when one of KINDS is given)."""
    overdue = _overdue_cards(now).filter(user_id=OuterRef("user_id")).order_by().values("user_id")
    overdue = Coalesce(Subquery(overdue.annotate(n=Count("pk")).values("n")[:1]), 0)
    conditions = rules(plan, today)
    chosen = [conditions[kind]] if kind in conditions else list(conditions.values())
    return cohort.memberships.alias(overdue=overdue).filter(reduce(or_, chosen))


def _matched(kind: str) -> str:
    return f"matches_{kind}"


def with_kinds(flagged_memberships, plan: PathPlan, today):
    """``flagged`` memberships annotated with ``matches_<kind>``: whether each rule holds (the same
    conditions as the filter, so that a reason shown is a rule matched)."""
    conditions = rules(plan, today)
    return flagged_memberships.annotate(
        **{_matched(kind): ExpressionWrapper(condition, BooleanField()) for kind, condition in conditions.items()}
    )


def counts(cohort: Cohort, plan: PathPlan, today=None, *, limit: int = COUNT_LIMIT) -> dict[str, int]:
    """{"all" and each of KINDS: how many members match}, each counted up to ``limit`` + 1 (a count
    above ``limit`` reads "more than limit"), so that it stops early in a large cohort."""
    today = today or timezone.localdate()
    now = timezone.now()
    return {kind: flagged(cohort, plan, today, now, kind)[: limit + 1].count() for kind in ("all", *KINDS)}


def attention_page(
    cohort: Cohort, plan: PathPlan, today=None, *, kind: str = "", after: str = "", before: str = ""
) -> AttentionPage:
    """A page of the learners who need attention (for the rule ``kind``, or any), each with all its
    reasons, in ``ORDER``."""
    today = today or timezone.localdate()
    now = timezone.now()
    rows = with_kinds(flagged(cohort, plan, today, now, kind), plan, today)
    page = keyset.page(rows, ORDER, ["pk", *map(_matched, KINDS)], after=after, before=before, size=PAGE_SIZE)
    ids = [pk for pk, *_matches in page.rows]
    memberships = Membership.objects.select_related("user").in_bulk(ids)
    found = {pk: Attention(memberships[pk]) for pk in ids if pk in memberships}
    for pk, *matches in page.rows:
        if pk in found:
            found[pk].kinds = {kind for kind, matched in zip(KINDS, matches, strict=True) if matched}
    by_user = {item.membership.user_id: item for item in found.values()}
    for item in found.values():
        membership = item.membership
        if INACTIVE not in item.kinds:
            continue
        if membership.last_active_day is None:
            joined = timezone.localdate(membership.joined_at)
            item.reasons.append(_("No activity since joining on %(day)s") % {"day": date_format(joined)})
        else:
            days = (today - membership.last_active_day).days
            inactive = ngettext(
                "Inactive for %(n)d day (last active %(day)s)", "Inactive for %(n)d days (last active %(day)s)", days
            )
            item.reasons.append(inactive % {"n": days, "day": date_format(membership.last_active_day)})
    titles = {m.pk: m.title for m in plan.modules}
    failing = stuck_rows().filter(user_id__in=list(by_user), module_id__in=list(titles)).order_by("module_id")
    for user_id, module_id, failed in failing.values_list("user_id", "module_id", "failed_attempts"):
        by_user[user_id].reasons.append(
            ngettext(
                "Failed the “%(module)s” quiz %(n)d time without passing",
                "Failed the “%(module)s” quiz %(n)d times without passing",
                failed,
            )
            % {"module": titles[module_id], "n": failed}
        )
    overdue = (
        _overdue_cards(now)
        .filter(user_id__in=list(by_user))
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n__gte=OVERDUE_MANY)
    )
    for row in overdue:
        overdue_text = ngettext(
            "%(n)d review card overdue by more than a day", "%(n)d review cards overdue by more than a day", row["n"]
        )
        by_user[row["user_id"]].reasons.append(overdue_text % {"n": row["n"]})
    return AttentionPage([found[pk] for pk in ids if pk in found], page.next, page.previous)


def needs_attention(cohort: Cohort, plan: PathPlan, today=None) -> list[Attention]:
    """The first page of learners who need attention (``attention_page``)."""
    return attention_page(cohort, plan, today).items
