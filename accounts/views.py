from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import AccountForm, SignupForm
from devopslearn.lib.pages import page_at_or_above


def _safe_next(request: HttpRequest) -> str | None:
    """The ``next`` page on this site, never an address that only takes a form's POST."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return page_at_or_above(target)
    return None


class LoginView(auth_views.LoginView):
    """Django's login, landing on the ``next`` page, or the page above it when ``next`` is an
    address that only takes a form's POST (the session ended as the learner pressed "Start")."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()  # "" unless it is on this site
        return page_at_or_above(url) if url else ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("courses:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="accounts.backends.UserBackend")
        messages.success(request, _("Welcome, %(name)s! Your account is ready.") % {"name": user.shown_name})
        # A plain redirect: a next= value is a URL, never a URL name to look up.
        return HttpResponseRedirect(_safe_next(request) or reverse("courses:home"))
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request) or ""})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your account was updated."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form})
