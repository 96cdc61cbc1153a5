import secrets
import zoneinfo
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Avg, Exists, OuterRef, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import catalog
from courses.models import LearningPath
from progress.models import ModuleProgress, last_active_day
from progress.states import PathPlan, steps_done_sql

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


def quiz_average(module_ids: list[int], *, user_ref: str = "user_id") -> Subquery:
    """The learner's average best quiz score (a percentage) over these modules' quizzes taken, or NULL."""
    rows = ModuleProgress.objects.filter(user_id=OuterRef(user_ref), module_id__in=module_ids, attempts__gt=0)
    return Subquery(rows.values("user_id").annotate(a=Avg("best_percent")).values("a")[:1])


def figures_of(plan: PathPlan) -> dict:
    """{kept field: the expression that computes it} for members of a cohort on ``plan``'s path: the
    one definition of each figure the overview shows and sorts by (``refresh_figures`` stores them)."""
    user = get_user_model().objects.filter(pk=OuterRef("user_id"))
    return {
        # The name as the overview sorts it: the shown name, then the username, lower case.
        "sort_name": Subquery(user.values(name=Lower("display_name"))[:1]),
        "sort_username": Subquery(user.values(name=Lower("username"))[:1]),
        "steps_done": steps_done_sql(plan.modules),
        "quiz_average": quiz_average([m.pk for m in plan.modules]),
        "last_active_day": last_active_day(),
    }


KEPT_FIELDS = ["sort_name", "sort_username", "steps_done", "quiz_average", "last_active_day"]


class MembershipQuerySet(models.QuerySet):
    def refresh_figures(self) -> None:
        """Recompute the kept figures of these memberships from the learners' progress rows and
        activity days (``figures_of``): one UPDATE per learning path."""
        path_ids = set(self.order_by().values_list("cohort__path_id", flat=True).distinct())
        marker = catalog.current_marker() if path_ids else ""  # a learner in no cohort: nothing kept
        for path_id in sorted(path_ids):
            path = catalog.path_by_id(path_id, marker)
            if path is None:
                continue
            self.filter(cohort__path_id=path_id).update(**figures_of(PathPlan.of(path, marker)))

    def bulk_create(self, objs, *args, **kwargs):
        """Create memberships with their figures: a learner may bring a history to a new cohort."""
        objs = super().bulk_create(objs, *args, **kwargs)
        users = {m.user_id for m in objs}
        cohorts = {m.cohort_id for m in objs}
        if users:
            self.model.objects.filter(user_id__in=users, cohort_id__in=cohorts).refresh_figures()
        return objs


class Membership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    # Kept figures (``figures_of``): what the overview shows and sorts by, stored so that an index can
    # serve each sort. Kept in the transaction of every progress and activity write (cohorts.receivers);
    # tests/cohorts/test_kept_figures.py checks them against a recomputation.
    sort_name = models.CharField(max_length=80, blank=True, editable=False)
    sort_username = models.CharField(max_length=150, blank=True, editable=False)
    steps_done = models.PositiveIntegerField(_("steps done"), default=0, editable=False)
    quiz_average = models.DecimalField(
        _("quiz average"), max_digits=9, decimal_places=6, null=True, blank=True, editable=False
    )
    last_active_day = models.DateField(_("last active day"), null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="cohorts_one_membership")]
        indexes = [
            models.Index(fields=["user", "cohort"], name="cohorts_membership_user_idx"),
            # One per sort of the overview (cohorts.overview.ordering): a page is a range of one of them.
            models.Index(fields=["cohort", "sort_name", "sort_username", "user"], name="cohorts_member_name_idx"),
            models.Index(fields=["cohort", "steps_done", "user"], name="cohorts_member_steps_idx"),
            models.Index(fields=["cohort", "quiz_average", "user"], name="cohorts_member_quiz_idx"),
            models.Index(fields=["cohort", "last_active_day", "user"], name="cohorts_member_active_idx"),
            models.Index(fields=["cohort", "joined_at", "user"], name="cohorts_member_joined_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:  # a learner may bring a history to a new cohort
            Membership.objects.filter(pk=self.pk).refresh_figures()
            self.refresh_from_db(fields=KEPT_FIELDS)


def lead_names_for(user, quiz) -> list[str]:
    """The names of the leads of ``user``'s cohorts on ``quiz``'s path: they can grant the learner
    extra attempts or time (cohorts.views.grant_extra), so a refusal names them."""
    leads = (
        get_user_model()
        .objects.filter(led_cohorts__memberships__user=user, led_cohorts__path=quiz.module.path_id)
        .distinct()
    )
    return [lead.shown_name for lead in leads.order_by("display_name", "username")]


class CohortStatistics(models.Model):
    """The statistics of a cohort's answers (cohorts.questions.compute: each question's, and wrong
    answers by misconception), computed by a task and shown with the time they were computed: over a
    cohort of thousands they take seconds, which no page should. A page asks for a new computation when
    they are older than ``MAX_AGE`` (cohorts.questions.snapshot)."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, primary_key=True, related_name="statistics")
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    requested_at = models.DateTimeField(_("computation requested"), null=True, blank=True)
    # {question id: QuestionStats as a dict}, [MisconceptionStats as a dict], {question id: [...]}.
    questions = models.JSONField(default=dict)
    misconceptions = models.JSONField(default=list)
    by_question = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("cohort statistics")
        verbose_name_plural = _("cohort statistics")

    def __str__(self) -> str:
        return f"{self.cohort} · {self.computed_at}"
