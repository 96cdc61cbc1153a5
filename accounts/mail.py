"""The e-mails an account receives about its address, and the links in them.

Every link is built from settings.SITE_URL, never from the request's Host header (a request with
``Host: 127.0.0.1:6666`` must not put that into a mail). A new address, at sign-up or on the account
page, takes effect only when its owner opens the link mailed to it; an address that already belongs
to another account gets a notice instead, so that the page answers the same either way.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import throttle
from accounts.models import User, identity_key

CONFIRM_SALT = "accounts.confirm-email"
CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation link works


def site_url(path: str) -> str:
    """An absolute link to ``path`` on the configured site (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def confirmation_token(user: User, address: str) -> str:
    return signing.dumps({"u": user.pk, "e": address}, salt=CONFIRM_SALT, compress=True)


class LinkProblem(Exception):
    """Why a confirmation link does not work, for the page to say so (one of the reasons below)."""

    MALFORMED = "malformed"  # not a link we made: cut or changed when copied
    EXPIRED = "expired"  # older than CONFIRM_MAX_AGE
    USED = "used"  # the address is the account's already (the link was opened before)
    REPLACED = "replaced"  # a newer address was asked for since, or the request was withdrawn

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_confirmation_token(token: str) -> tuple[User, str]:
    """The account and the address a link confirms; raises LinkProblem saying why it does not work:
    forged or cut, older than three days, used already, or no longer the latest requested address."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkProblem(LinkProblem.EXPIRED) from None
    except (signing.BadSignature, ValueError, TypeError, OverflowError):
        raise LinkProblem(LinkProblem.MALFORMED) from None
    try:
        user = User.objects.get(pk=int(data["u"]), is_active=True)
        address = str(data["e"])
    except (User.DoesNotExist, KeyError, TypeError, ValueError, OverflowError):
        raise LinkProblem(LinkProblem.MALFORMED) from None
    if user.pending_email == address:
        return user, address
    if user.email == address:
        raise LinkProblem(LinkProblem.USED)
    raise LinkProblem(LinkProblem.REPLACED)


def _send(template: str, address: str, context: dict) -> None:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = " ".join(render_to_string(f"accounts/mail/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/mail/{template}.txt", context)
    send_mail(subject, body, None, [address])


def ask_to_confirm(user: User, address: str) -> None:
    """Store ``address`` as ``user``'s pending address and mail it: the confirmation link, or, when
    another account already has that address, a notice saying so (the page shows the same either
    way). At most ACCOUNT_THROTTLES["mail-address"] such mails reach one address."""
    user.pending_email = address
    user.save(update_fields=["pending_email"])
    if not throttle.allow("mail-address", identity_key(address)):
        return
    if User.objects.with_email(address).exclude(pk=user.pk).exists():
        _send("address_taken", address, {"user": user, "login_url": site_url(reverse("accounts:login"))})
        return
    link = site_url(reverse("accounts:confirm_email", args=[confirmation_token(user, address)]))
    _send("confirm_address", address, {"user": user, "link": link})


def tell_old_address(user: User, new_address: str) -> None:
    """A note to the address being replaced, so that a stolen session cannot move an account quietly."""
    if user.email:
        _send("address_changing", user.email, {"user": user, "new_address": new_address})
