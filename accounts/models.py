import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    """A person using DevOps Learn: a learner, an instructor (staff) or a cohort lead."""

    email = models.EmailField(_("e-mail address"))
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True, help_text=_("Shown on your certificate and to your cohort lead.")
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.DEFAULT_USER_TIME_ZONE,
        choices=time_zone_choices,
        help_text=_("Days, streaks and the activity calendar are counted in this time zone."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_ci",
                violation_error_message=_("An account with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def shown_name(self) -> str:
        return self.name_shown(self.display_name, self.username)

    @staticmethod
    def name_shown(display_name: str, username: str) -> str:
        """The name shown for a person (also from values read without an instance)."""
        return display_name or username

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)
