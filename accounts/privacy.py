"""What this app keeps about a person, for the data export and account deletion (see
accounts.personal_data), and what the third-party apps it brings keep: django-axes' login records
(the name typed, the address, the browser), the admin's log, and the throttles' counted events."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accounts import personal_data, throttle
from accounts.models import ThrottleEvent, User, identity_key

# django-axes' tables: one row per login attempt, failure or session, under the name that was typed.
LOGIN_RECORDS = (AccessAttempt, AccessLog, AccessFailureLog)
LOGIN_FIELDS = ("attempt_time", "username", "ip_address", "user_agent", "path_info")
# Throttle scopes counted per account or per e-mail address (the others count client addresses,
# which name nobody once the request is over); and what each is keyed on.
THROTTLE_SCOPES = {
    "reset-account": lambda user: [user.pk],
    "mail-address": lambda user: [identity_key(a) for a in (user.email, user.pending_email) if a],
}


def export_account(user: User) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "pending_email": user.pending_email,
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def names_typed(user: User) -> set[str]:
    """What a login form may have recorded for ``user``: the username or e-mail address as stored,
    and as django-axes counts them (accounts.throttle.axes_username: the identity key)."""
    names = {user.username, user.email, user.pending_email}
    return {spelling for name in names if name for spelling in (name, identity_key(name))}


def login_records(user: User) -> dict[str, list]:
    return {
        model._meta.model_name: [
            {**row, "attempt_time": row["attempt_time"].isoformat()}
            for row in model.objects.filter(username__in=names_typed(user))
            .order_by("attempt_time")
            .values(*LOGIN_FIELDS)
        ]
        for model in LOGIN_RECORDS
    }


def delete_login_records(user: User) -> None:
    for model in LOGIN_RECORDS:
        model.objects.filter(username__in=names_typed(user)).delete()


def _throttle_events(user: User):
    keyed = Q(pk__in=[])
    for scope, values in THROTTLE_SCOPES.items():
        keyed |= Q(scope=scope, key__in=[throttle.key(scope, value) for value in values(user)])
    return ThrottleEvent.objects.filter(keyed)


def export_throttle_events(user: User) -> list[dict]:
    return [
        {"scope": s, "at": at.isoformat()} for s, at in _throttle_events(user).order_by("at").values_list("scope", "at")
    ]


def delete_throttle_events(user: User) -> None:
    _throttle_events(user).delete()


def _admin_log(user: User):
    """The admin's log entries made by ``user`` (they go with the account: the foreign key cascades)
    and those about ``user``'s account, which name them (``object_repr``)."""
    about = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    return LogEntry.objects.filter(Q(user=user) | about)


def export_admin_log(user: User) -> list[dict]:
    rows = _admin_log(user).order_by("action_time")
    return [
        {
            "action_time": entry.action_time.isoformat(),
            "by_you": entry.user_id == user.pk,
            "object": entry.object_repr,
            "action": entry.get_action_flag_display(),
            "change": entry.get_change_message(),
        }
        for entry in rows
    ]


def delete_admin_log(user: User) -> None:
    _admin_log(user).delete()


def register() -> None:
    # The account row, with its group and permission memberships (they go with it).
    models = [User, User.groups.through, User.user_permissions.through]
    personal_data.register("account", export=export_account, models=models)
    personal_data.register("login_records", export=login_records, delete=delete_login_records, models=LOGIN_RECORDS)
    personal_data.register(
        "throttle_events", export=export_throttle_events, delete=delete_throttle_events, models=[ThrottleEvent]
    )
    personal_data.register("admin_log", export=export_admin_log, delete=delete_admin_log, models=[LogEntry])
