"""What this app keeps about a person, for the data export (see accounts.personal_data)."""

from accounts import personal_data
from accounts.models import User


def export_account(user: User) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "pending_email": user.pending_email,
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def register() -> None:
    # The account row, with its group and permission memberships (they go with it).
    models = [User, User.groups.through, User.user_permissions.through]
    personal_data.register("account", export=export_account, models=models)
