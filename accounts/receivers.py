from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from accounts import throttle
from devopslearn.lib.client_ip import client_ip


@receiver(user_login_failed, dispatch_uid="accounts.count_failed_login")
def count_failed_login(sender, credentials, request=None, **kwargs):
    """Every failed login counts against its client address, whatever the username (the login page
    then refuses that address for a while: accounts.views.LoginView)."""
    if request is not None:
        throttle.record("login-address", client_ip(request))
