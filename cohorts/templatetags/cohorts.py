from django import template
from django.core.cache import cache

from cohorts.models import LEADS_CACHE_SECONDS, Membership, leads_cache_key, user_leads_a_cohort

register = template.Library()


@register.filter
def leads_cohorts(user) -> bool:
    """Whether the navigation shows the cohort dashboards link: staff, or a lead of some cohort.

    Cached per user (invalidated when a cohort's leads change), so that no page pays a query for it.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    cached = cache.get(leads_cache_key(user.pk))
    if cached is None:
        cached = user_leads_a_cohort(user)
        cache.set(leads_cache_key(user.pk), cached, LEADS_CACHE_SECONDS)
    return cached


@register.simple_tag
def user_memberships(user):
    """The cohorts a learner belongs to, for the account page (which lives below this app)."""
    return list(Membership.objects.filter(user=user).select_related("cohort").order_by("-joined_at"))
