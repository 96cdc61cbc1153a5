"""What this app keeps about a person, for the data export (accounts.personal_data); memberships
go with the account (they cascade), and a lead's place in ``Cohort.leads`` with them."""

from accounts import personal_data
from cohorts.models import Cohort, Membership


def export_memberships(user) -> list[dict]:
    return [
        {
            "cohort": m.cohort.name,
            "joined_at": m.joined_at.isoformat(),
            # Copies of the progress and activity exported above, kept for the lead's overview.
            "steps_done": m.steps_done,
            "quiz_average": None if m.quiz_average is None else str(m.quiz_average),
            "last_active_day": m.last_active_day.isoformat() if m.last_active_day else None,
        }
        for m in Membership.objects.filter(user=user).select_related("cohort")
    ]


def export_led_cohorts(user) -> list[dict]:
    return [{"cohort": cohort.name} for cohort in Cohort.objects.led_by_id(user.pk).order_by("name")]


def register() -> None:
    personal_data.register("cohort_memberships", export=export_memberships, models=[Membership])
    personal_data.register("cohorts_led", export=export_led_cohorts, models=[Cohort.leads.through])
