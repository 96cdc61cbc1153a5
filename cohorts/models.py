import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.signals import m2m_changed, pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import LearningPath

# The header asks on every page whether the user leads a cohort; the answer is cached this long per
# worker and dropped at once in the worker that changes a cohort's leads.
LEADS_CACHE_SECONDS = 60


def leads_cache_key(user_id: int) -> str:
    return f"cohorts:leads:{user_id}"


def user_leads_a_cohort(user) -> bool:
    return Cohort.objects.filter(leads=user).exists()


INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))


class CohortQuerySet(models.QuerySet):
    def led_by(self, user):
        """The cohorts a user may see dashboards of: the ones they lead, or all of them for staff."""
        if user.is_staff:
            return self.all()
        return self.filter(leads=user)


class Cohort(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    path = models.ForeignKey(
        LearningPath, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("learning path")
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_cohorts", verbose_name=_("leads")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", blank=True, related_name="cohorts", verbose_name=_("members")
    )
    invite_code = models.CharField(_("invite code"), max_length=16, unique=True, default=new_invite_code)
    invite_active = models.BooleanField(_("invite code active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="cohorts_end_after_start",
                violation_error_message=_("The end date must be on or after the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cohorts:overview", args=[self.slug])

    def has_ended(self, today=None) -> bool:
        return self.end_date is not None and (today or timezone.localdate()) > self.end_date

    def rotate_invite_code(self) -> str:
        self.invite_code = new_invite_code()
        self.invite_active = True
        self.save(update_fields=["invite_code", "invite_active"])
        return self.invite_code


class Membership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="cohorts_one_membership")]
        indexes = [models.Index(fields=["user", "cohort"], name="cohorts_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"


@receiver(m2m_changed, sender=Cohort.leads.through)
def forget_leads(sender, instance, action, pk_set, **kwargs):
    """Drop the cached "leads a cohort" answer of everyone whose leadership changed."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not isinstance(instance, Cohort):  # user.led_cohorts.add(...)
        user_ids = [instance.pk]
    elif action == "pre_clear":
        user_ids = list(instance.leads.values_list("pk", flat=True))
    else:
        user_ids = list(pk_set or [])
    cache.delete_many([leads_cache_key(pk) for pk in user_ids])


@receiver(pre_delete, sender=Cohort)
def forget_leads_of_deleted_cohort(sender, instance, **kwargs):
    cache.delete_many([leads_cache_key(pk) for pk in instance.leads.values_list("pk", flat=True)])
