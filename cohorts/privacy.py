"""What this app keeps about a person, for the data export (accounts.personal_data); memberships
go with the account (they cascade), and a lead's place in ``Cohort.leads`` with them."""

from accounts import personal_data
from cohorts.models import Cohort, Membership


def export_memberships(user) -> list[dict]:
    return [
        {"cohort": m.cohort.name, "joined_at": m.joined_at.isoformat()}
        for m in Membership.objects.filter(user=user).select_related("cohort")
    ]


def export_led_cohorts(user) -> list[dict]:
    return [{"cohort": cohort.name} for cohort in Cohort.objects.led_by_id(user.pk).order_by("name")]


def register() -> None:
    personal_data.register("cohort_memberships", export=export_memberships, models=[Membership])
    personal_data.register("cohorts_led", export=export_led_cohorts, models=[Cohort.leads.through])
