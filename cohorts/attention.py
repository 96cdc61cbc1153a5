"""The cohort's "Needs attention" tab: who is inactive, stuck on a quiz, or behind on reviews."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort, Membership
from cohorts.overview import stuck_rows
from progress.models import ReviewCard, last_active_day
from progress.states import PathPlan

INACTIVE_DAYS = 7
OVERDUE_MANY = 5


INACTIVE, STUCK, OVERDUE = "inactive", "stuck", "overdue"
KINDS = (INACTIVE, STUCK, OVERDUE)  # the order the page lists them in


@dataclass
class Attention:
    membership: Membership
    reasons: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


def counts(items: list[Attention]) -> dict[str, int]:
    """{kind: how many learners need attention for it}, every kind present (0 when none)."""
    return {kind: sum(1 for item in items if kind in item.kinds) for kind in KINDS}


def needs_attention(cohort: Cohort, plan: PathPlan, today=None) -> list[Attention]:
    """Learners inactive for a week, failing a quiz again and again, or with a pile of overdue reviews."""
    today = today or timezone.localdate()
    found: dict[int, Attention] = {}

    def add(membership, reason, kind):
        item = found.setdefault(membership.pk, Attention(membership))
        item.reasons.append(reason)
        item.kinds.add(kind)

    cutoff = today - timedelta(days=INACTIVE_DAYS)
    inactive = (
        cohort.memberships.select_related("user")
        .annotate(last_day=last_active_day())
        .filter(Q(last_day__lt=cutoff) | Q(last_day__isnull=True, joined_at__date__lte=cutoff))
        .order_by("last_day", "user__username")
    )
    for membership in inactive:
        if membership.last_day is None:
            add(
                membership,
                _("No activity since joining on %(day)s") % {"day": timezone.localdate(membership.joined_at)},
                INACTIVE,
            )
        else:
            days = (today - membership.last_day).days
            inactive = ngettext(
                "Inactive for %(n)d day (last active %(day)s)", "Inactive for %(n)d days (last active %(day)s)", days
            )
            add(membership, inactive % {"n": days, "day": membership.last_day}, INACTIVE)
    titles = {m.pk: m.title for m in plan.modules}
    members = cohort.memberships.values("user_id")
    failing = stuck_rows().filter(user_id__in=members, module_id__in=list(titles))
    failing = list(failing.values("user_id", "module_id", "failed_attempts"))
    overdue = (
        ReviewCard.objects.filter(user_id__in=members)
        .due(timezone.now() - timedelta(days=1))
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n__gte=OVERDUE_MANY)
    )
    overdue = list(overdue)
    wanted = {row["user_id"] for row in failing} | {row["user_id"] for row in overdue}
    memberships = {m.user_id: m for m in cohort.memberships.filter(user_id__in=wanted).select_related("user")}
    for row in failing:
        add(
            memberships[row["user_id"]],
            ngettext(
                "Failed the “%(module)s” quiz %(n)d time without passing",
                "Failed the “%(module)s” quiz %(n)d times without passing",
                row["failed_attempts"],
            )
            % {"module": titles[row["module_id"]], "n": row["failed_attempts"]},
            STUCK,
        )
    for row in overdue:
        overdue_text = ngettext(
            "%(n)d review card overdue by more than a day", "%(n)d review cards overdue by more than a day", row["n"]
        )
        add(memberships[row["user_id"]], overdue_text % {"n": row["n"]}, OVERDUE)
    return sorted(found.values(), key=lambda a: (-len(a.reasons), a.membership.user.username))
