import secrets
from functools import cache

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from courses.models import LearningPath
from devopslearn.lib import sql


def user_leads_a_cohort(user) -> bool:
    """Whether the user leads some cohort. The page header reads it from the request's user, which
    the session's one user query loads with it (see ``LEADS_FLAG_SQL`` and accounts.backends)."""
    flag = getattr(user, LEADS_FLAG, None)
    if flag is not None:
        return flag
    return Cohort.objects.filter(leads=user).exists()


LEADS_FLAG = "leads_a_cohort"
LEADS_FLAG_SQL = "EXISTS (SELECT 1 FROM cohorts_cohort_leads l WHERE l.user_id = t.id)"


INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))


_SLUG_PLACEHOLDER = "cohort-slug-placeholder"
_COHORT_PAGES = ["overview", "attention", "questions", "activity", "export", "roster"]


@cache
def _cohort_url_patterns(script_prefix: str) -> dict[str, str]:
    return {name: reverse(f"cohorts:{name}", args=[_SLUG_PLACEHOLDER]) for name in _COHORT_PAGES}


class CohortQuerySet(models.QuerySet):
    def led_by(self, user):
        """The cohorts a user may see dashboards of: the ones they lead, or all of them for staff."""
        if user.is_staff:
            return self.all()
        return self.filter(leads=user)

    def led_one(self, slug: str, user) -> "Cohort | None":
        """``led_by(user).filter(slug=slug)`` as one plain statement (every dashboard page reads it)."""
        where, params = "t.slug = %s", [slug]
        if not user.is_staff:
            where += " AND EXISTS (SELECT 1 FROM cohorts_cohort_leads l WHERE l.cohort_id = t.id AND l.user_id = %s)"
            params.append(user.pk)
        found = sql.fetch_instances(Cohort, where, params)
        return found[0] if found else None


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

    @cached_property
    def urls(self) -> dict[str, str]:
        """The addresses of the cohort's pages, for the tabs every dashboard page shows: reversed once
        per process with a placeholder, then filled with this cohort's slug (a slug needs no quoting)."""
        return {
            name: url.replace(_SLUG_PLACEHOLDER, self.slug)
            for name, url in _cohort_url_patterns(get_script_prefix()).items()
        }

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
