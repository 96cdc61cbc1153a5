import secrets
import zoneinfo
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import LearningPath

LEADS_FLAG = "leads_a_cohort"  # the attribute the request's user carries (accounts.backends)


def leads_flag():
    """Whether the user (``OuterRef("pk")``) leads some cohort: the condition of ``led_by``, as the
    flag the session's one user query loads with the user (registered in CohortsConfig.ready)."""
    return Exists(Cohort.objects.led_by_id(OuterRef("pk")))


def sees_dashboards(user) -> bool:
    """Whether the navigation offers the cohort dashboards: staff (who see every cohort), or a lead
    of some cohort. The request's user carries the answer; a user loaded otherwise asks the database."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    flag = getattr(user, LEADS_FLAG, None)
    return flag if flag is not None else Cohort.objects.led_by(user).exists()


INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))


def cohort_today() -> date:
    """Today in the zone a cohort's dates are kept in (settings.DEFAULT_USER_TIME_ZONE, the site's):
    a cohort starts and ends on one day for everyone, wherever they are."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE))


class CohortQuerySet(models.QuerySet):
    def led_by(self, user):
        """The cohorts a user may see dashboards of: the ones they lead, or all of them for staff."""
        if user.is_staff:
            return self.all()
        return self.led_by_id(user.pk)

    def led_by_id(self, user_id):
        """The cohorts the user with this id (or an expression of it) leads."""
        return self.filter(leads=user_id)


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

    @property
    def date_zone(self) -> str:
        """The zone the cohort's start and end dates are days of (cohort_today)."""
        return settings.DEFAULT_USER_TIME_ZONE

    def has_ended(self, today=None) -> bool:
        """Whether the end date has passed, decided in the cohort's zone, the same for everyone."""
        return self.end_date is not None and (today or cohort_today()) > self.end_date

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


def lead_names_for(user, quiz) -> list[str]:
    """The names of the leads of ``user``'s cohorts on ``quiz``'s path: they can grant the learner
    extra attempts or time (cohorts.views.grant_extra), so a refusal names them."""
    leads = (
        get_user_model()
        .objects.filter(led_cohorts__memberships__user=user, led_cohorts__path=quiz.module.path_id)
        .distinct()
    )
    return [lead.shown_name for lead in leads.order_by("display_name", "username")]
