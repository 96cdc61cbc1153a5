"""The cohorts app keeps its members' figures (cohorts.models.Membership) in step with what the
progress app announces, in the transaction of the write."""

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from cohorts.models import Membership
from progress.signals import activity_recorded, progress_changed


@receiver(progress_changed)
def on_progress_changed(sender, user_ids=None, path_ids=None, **kwargs):
    memberships = Membership.objects.all()
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=user_ids)
    if path_ids is not None:
        memberships = memberships.filter(cohort__path_id__in=path_ids)
    memberships.refresh_figures()


@receiver(activity_recorded)
def on_activity_recorded(sender, user_id: int, day, **kwargs):
    """A day with an action is an active day: the last one is the latest of it and the one kept
    (what ``progress.models.last_active_day`` computes), in one statement."""
    stale = Q(last_active_day__isnull=True) | Q(last_active_day__lt=day)
    Membership.objects.filter(stale, user_id=user_id).update(last_active_day=day)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def on_user_saved(sender, instance, created: bool, update_fields=None, **kwargs):
    """A new name sorts the learner anew on their cohorts' overviews (a log-in saves no name)."""
    if created or (update_fields is not None and not {"display_name", "username"} & set(update_fields)):
        return
    Membership.objects.filter(user_id=instance.pk).refresh_figures()
