from django import template

from cohorts.models import Membership, sees_dashboards

register = template.Library()


@register.filter
def leads_cohorts(user) -> bool:
    """Whether the navigation shows the cohort dashboards link: staff, or a lead of some cohort.

    The request's user is loaded with the answer (accounts.backends), so no page pays a query for it
    and a change of leads shows on the next page, in every worker.
    """
    return sees_dashboards(user)


@register.simple_tag
def user_memberships(user):
    """The cohorts a learner belongs to, for the account page (which lives below this app)."""
    return list(Membership.objects.filter(user=user).select_related("cohort").order_by("-joined_at"))
