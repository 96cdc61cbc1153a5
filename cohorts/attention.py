"""The cohort's "Needs attention" tab: who is inactive, stuck on a quiz, or behind on reviews.

Fifty at a time, the longest inactive first (never active, then by the kept last active day): the
database walks the cohort's index on the last active day and stops at the fiftieth flagged member,
so a page costs the same in a cohort of a thousand or ten thousand."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, DateField, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort, Membership
from cohorts.overview import PAGE_SIZE, stuck_rows
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


@dataclass
class Attention:
    membership: Membership
    reasons: list[str] = field(default_factory=list)


@dataclass
class AttentionPage:
    items: list[Attention]
    next: str | None  # keyset cursors (devopslearn.lib.keyset)
    previous: str | None


def _overdue_cards(now):
    """Review cards overdue by more than a day (ReviewCardQuerySet.due a day ago)."""
    return ReviewCard.objects.due(now - timedelta(days=1))


def flagged(cohort: Cohort, plan: PathPlan, today, now):
    """The cohort's memberships that match a rule: inactive for INACTIVE_DAYS (by the kept last active
    day), failed a module's quiz twice without passing, or OVERDUE_MANY review cards overdue."""
    cutoff = today - timedelta(days=INACTIVE_DAYS)
    inactive = Q(last_active_day__lt=cutoff) | Q(last_active_day__isnull=True, joined_at__date__lte=cutoff)
    stuck = Exists(stuck_rows().filter(user_id=OuterRef("user_id"), module_id__in=[m.pk for m in plan.modules]))
    overdue = _overdue_cards(now).filter(user_id=OuterRef("user_id")).order_by().values("user_id")
    overdue = Coalesce(Subquery(overdue.annotate(n=Count("pk")).values("n")[:1]), 0)
    return cohort.memberships.alias(overdue=overdue).filter(inactive | Q(stuck) | Q(overdue__gte=OVERDUE_MANY))


def attention_page(cohort: Cohort, plan: PathPlan, today=None, *, after: str = "", before: str = "") -> AttentionPage:
    """A page of the learners who need attention, each with the reasons, in ``ORDER``."""
    today = today or timezone.localdate()
    now = timezone.now()
    page = keyset.page(flagged(cohort, plan, today, now), ORDER, ["pk"], after=after, before=before, size=PAGE_SIZE)
    ids = [pk for (pk,) in page.rows]
    memberships = Membership.objects.select_related("user").in_bulk(ids)
    found = {pk: Attention(memberships[pk]) for pk in ids if pk in memberships}
    by_user = {item.membership.user_id: item for item in found.values()}
    cutoff = today - timedelta(days=INACTIVE_DAYS)
    for item in found.values():
        membership = item.membership
        if membership.last_active_day is None and timezone.localdate(membership.joined_at) <= cutoff:
            joined = timezone.localdate(membership.joined_at)
            item.reasons.append(_("No activity since joining on %(day)s") % {"day": joined})
        elif membership.last_active_day is not None and membership.last_active_day < cutoff:
            days = (today - membership.last_active_day).days
            inactive = ngettext(
                "Inactive for %(n)d day (last active %(day)s)", "Inactive for %(n)d days (last active %(day)s)", days
            )
            item.reasons.append(inactive % {"n": days, "day": membership.last_active_day})
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
