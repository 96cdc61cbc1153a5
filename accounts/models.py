import unicodedata
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts import zones

_DEFERRED = object()  # a field the instance was loaded without
IDENTITY_KEY_MAX = 600  # a 150-character username folds to at most 450 characters


def identity_key(value: str) -> str:
    """The spelling of a username or e-mail address under which two spellings are one account.

    Unicode NFKC (compatibility composition: full-width ``ｍｉｎｈ`` is ``minh``, a decomposed
    ``e`` + combining acute is ``é``), then Python's ``str.casefold()`` (``Đức`` and ``ĐỨC`` are
    ``đức``; German ``ß`` and ``SS`` are both ``ss``). It is Unicode's default folding, with no
    language's special rules: Turkish dotless ``ı`` stays a letter of its own (``KIRMIZI`` folds to
    ``kirmizi``, not ``kırmızı``). The same on SQLite and PostgreSQL: computed here, stored in
    ``username_key`` / ``email_key``, and made unique by the database.
    """
    return unicodedata.normalize("NFKC", value).casefold()


# Zero-width non-joiner and joiner: part of how some scripts and emoji sequences are written.
JOINERS = frozenset("\u200c\u200d")


def visible_name(value: str) -> str:
    """A name people typed, without the control and format characters of Unicode (categories Cc and
    Cf: bidirectional overrides and isolates, zero-width spaces, byte-order marks) that make it read
    differently from what it is: "\u202eevil\u202c Ngọc" shows as "live Ngọc". The joiners are kept;
    surrounding spaces go. Used by the account forms and wherever a name is shown."""
    kept = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf") or ch in JOINERS)
    return kept.strip()


def time_zone_choices() -> list:
    """Canonical zones grouped by region (accounts.zones): no legacy names such as US/Pacific."""
    return zones.grouped_choices()


class UserQuerySet(models.QuerySet):
    def with_username(self, username: str):
        """The account ``username`` names, however it is spelled (see ``identity_key``)."""
        return self.filter(username_key=identity_key(username))

    def with_email(self, email: str):
        """The account whose confirmed address is ``email``, however it is spelled."""
        return self.filter(email_key=identity_key(email)) if email else self.none()

    def with_shared_identity(self):
        """Accounts that already shared a name or address with an older one when names became
        case- and accent-insensitive (migration 0002): they keep their exact name, without a key."""
        no_email_key = ~models.Q(email="") & models.Q(email_key__isnull=True)
        return self.filter(models.Q(username_key__isnull=True) | no_email_key)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for user in objs:
            user.set_identity_keys()
        return super().bulk_create(objs, *args, **kwargs)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        """Log-in, password reset and fixtures find an account by any spelling of its name."""
        try:
            return self.with_username(username).get()
        except self.model.DoesNotExist:
            # An account that collided when keys were introduced answers to its exact name only.
            return self.get(username_key__isnull=True, username=username)


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
    # Blank: the pages follow the browser (Accept-Language) or the header's switcher.
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the pages. Blank: your browser's language."),
    )
    # The identity keys (see identity_key): kept by save() and bulk_create(), unique in the database.
    # NULL only for an account that shared its name or address with an older one when the keys were
    # introduced (migration 0002 lists them; the admin filters them), and for an empty address.
    # NULL, not "": several accounts may lack a key under the unique constraints.
    username_key = models.CharField(max_length=IDENTITY_KEY_MAX, unique=True, null=True, editable=False)  # noqa: DJ001
    email_key = models.CharField(max_length=IDENTITY_KEY_MAX, null=True, editable=False)  # noqa: DJ001
    # A new address takes effect only when its owner opens the link mailed to it (accounts.mail).
    pending_email = models.EmailField(_("address waiting for confirmation"), blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["email_key"],
                name="accounts_user_email_key_unique",
                violation_error_message=_("An account with this e-mail address already exists."),
            )
        ]
        indexes = [
            # People listed by the name shown (a cohort's overview): read in this order, the first page of
            # a large cohort stops after its fifty members instead of sorting them all.
            models.Index(Lower("display_name"), Lower("username"), "id", name="accounts_user_shown_name_idx")
        ]

    def __str__(self) -> str:
        return self.username

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        user = super().from_db(db, field_names, values, **kwargs)
        user._stored_identity = (user.__dict__.get("username", _DEFERRED), user.__dict__.get("email", _DEFERRED))
        return user

    def save(self, *args, **kwargs):
        changed = self.set_identity_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and changed:
            kwargs["update_fields"] = {*update_fields, *changed}
        super().save(*args, **kwargs)
        self._stored_identity = (self.username, self.email)

    def set_identity_keys(self) -> list[str]:
        """Recompute the keys of a name or address that changed (or of a new account); returns the
        key fields it set. An unchanged name keeps its key, even none (a collision kept by 0002)."""
        stored_username, stored_email = getattr(self, "_stored_identity", (None, None))
        new = self._state.adding or not hasattr(self, "_stored_identity")
        changed = []
        if new or stored_username is not _DEFERRED and self.username != stored_username:
            self.username_key = identity_key(self.username)
            changed.append("username_key")
        if new or stored_email is not _DEFERRED and self.email != stored_email:
            self.email_key = identity_key(self.email) if self.email else None
            changed.append("email_key")
        return changed

    @property
    def shown_name(self) -> str:
        return self.name_shown(self.display_name, self.username)

    @staticmethod
    def name_shown(display_name: str, username: str) -> str:
        """The name shown for a person (also from values read without an instance): names stored
        before visible_name applied are cleaned here too."""
        return visible_name(display_name or "") or username

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)


class ThrottleEvent(models.Model):
    """One counted event for a throttle (accounts.throttle): a failed login from an address, a
    sign-up, a password-reset request, an e-mail sent to an address.

    ``key`` is a keyed hash (HMAC with SECRET_KEY) of the address or account counted, so that the
    table names nobody and holds no personal data; rows older than their window are deleted as new
    ones are written.
    """

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="accounts_throttle_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M:%S}"
