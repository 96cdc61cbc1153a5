from django import template

from cohorts.models import Cohort, Membership

register = template.Library()


@register.filter
def leads_cohorts(user) -> bool:
    """Whether the navigation shows the cohort dashboards link: staff, or a lead of some cohort."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_leads_cohorts", None)
    if cached is None:
        cached = user._leads_cohorts = Cohort.objects.filter(leads=user).exists()
    return cached


@register.simple_tag
def user_memberships(user):
    """The cohorts a learner belongs to, for the account page (which lives below this app)."""
    return list(Membership.objects.filter(user=user).select_related("cohort").order_by("-joined_at"))
