import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import base36_to_int, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from accounts import mail, throttle
from accounts.forms import AccountForm, LoginForm, PasswordResetForm, SignupForm
from accounts.models import User
from devopslearn.lib.client_ip import client_ip
from devopslearn.lib.pages import page_at_or_above


def _safe_next(request: HttpRequest) -> str | None:
    """The ``next`` page on this site, never an address that only takes a form's POST."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return page_at_or_above(target)
    return None


@contextmanager
def answering_in_constant_time():
    """Hold the answer until settings.ACCOUNT_ANSWER_SECONDS have passed since the request started
    being handled, so that how long sign-up and password reset take does not tell whether an
    address has an account (one mails a notice, the other a link, or nothing at all)."""
    started = time.monotonic()
    try:
        yield
    finally:
        time.sleep(max(0.0, settings.ACCOUNT_ANSWER_SECONDS - (time.monotonic() - started)))


def _refused(request: HttpRequest, template: str, context: dict, seconds: int) -> HttpResponse:
    response = render(request, template, {**context, "refusal": throttle.refusal(seconds)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class LoginView(auth_views.LoginView):
    """Django's login, landing on the ``next`` page (or the page above it when ``next`` is an address
    that only takes a form's POST), refused without checking any password once one address has
    failed ACCOUNT_THROTTLES["login-address"] logins, whatever usernames it tried."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()  # "" unless it is on this site
        return page_at_or_above(url) if url else ""

    def post(self, request, *args, **kwargs):
        wait = throttle.retry_after("login-address", client_ip(request))
        if wait:
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")[:150]})
            return _refused(request, self.template_name, self.get_context_data(form=form), wait)
        return super().post(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A new account, logged in at once; its address becomes the account's once confirmed by mail.
    The answer (message and time) is the same whether or not the address already has an account."""
    if request.user.is_authenticated:
        return redirect("courses:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        wait = throttle.retry_after("signup-address", client_ip(request))
        if wait:
            context = {"form": SignupForm(), "next": _safe_next(request) or ""}
            return _refused(request, "accounts/signup.html", context, wait)
        with answering_in_constant_time():
            if form.is_valid():
                throttle.record("signup-address", client_ip(request))
                user = form.save()
                mail.ask_to_confirm(user, form.cleaned_data["email"])
                login(request, user, backend="accounts.backends.UserBackend")
                messages.success(
                    request,
                    _(
                        "Welcome, %(name)s! Your account is ready. We sent a link to %(email)s: open it to confirm "
                        "your address."
                    )
                    % {"name": user.shown_name, "email": form.cleaned_data["email"]},
                )
                # A plain redirect: a next= value is a URL, never a URL name to look up.
                return HttpResponseRedirect(_safe_next(request) or reverse("courses:home"))
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request) or ""})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        new_email = form.new_email
        user = form.save()
        if "language" in form.changed_data and user.language:
            translation.activate(user.language)  # the message below in the language just chosen
        if new_email:
            mail.tell_old_address(user, new_email)
            mail.ask_to_confirm(user, new_email)
            messages.success(
                request,
                _("Your account was updated. We sent a link to %(email)s: your address changes when you open it.")
                % {"email": new_email},
            )
        else:
            messages.success(request, _("Your account was updated."))
        response = redirect("accounts:account")
        if "language" in form.changed_data:  # the header's switcher keeps its cookie in step
            if user.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, max_age=settings.LANGUAGE_COOKIE_AGE)
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    return render(request, "accounts/account.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switcher: Django's ``set_language`` (a cookie, then back to ``next``),
    and for a signed-in learner the account's preference too, so that it follows them to any device."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and translation.check_for_language(code) and code in dict(settings.LANGUAGES):
        request.user.language = code
        request.user.save(update_fields=["language"])
    return response


@never_cache  # shows an address to whoever holds the link
@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to a new address: a page with one button (a GET changes nothing, so a mail
    scanner opening the link confirms nothing); the POST makes it the account's address."""
    try:
        user, address = mail.read_confirmation_token(token)
    except mail.LinkProblem as problem:
        days = mail.CONFIRM_MAX_AGE // (24 * 3600)
        return render(request, "accounts/confirm_email.html", {"problem": problem.reason, "days": days}, status=400)
    if request.method == "POST":
        taken = User.objects.with_email(address).exclude(pk=user.pk).exists()
        if not taken:
            user.email, user.pending_email = address, ""
            try:
                with transaction.atomic():
                    user.save(update_fields=["email", "pending_email"])
            except IntegrityError:  # confirmed by another account a moment ago
                taken = True
        if taken:
            return render(request, "accounts/confirm_email.html", {"taken": True, "address": address}, status=409)
        messages.success(request, _("%(email)s is now the address of your account.") % {"email": address})
        return redirect("accounts:account" if request.user == user else "accounts:login")
    return render(request, "accounts/confirm_email.html", {"address": address, "account": user})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, with the link built from settings.SITE_URL, a limit per client address (a
    plain message) and per account (silent), and the same answer in the same time for any address."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        wait = throttle.retry_after("reset-address", client_ip(request))
        if wait:
            return _refused(request, self.template_name, self.get_context_data(form=self.get_form_class()()), wait)
        with answering_in_constant_time():
            return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        throttle.record("reset-address", client_ip(self.request))
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}  # never the request's Host
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page behind the reset link, which says why a link does not work: cut or changed when
    copied, too old, or used already (a reset link stops working once the password changes or the
    account logs in), rather than blaming its age for all three."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def link_problem(self) -> str:
        """One of mail.LinkProblem's reasons, for a link that did not open the form."""
        token = self.kwargs["token"]
        if self.user is None:
            return mail.LinkProblem.MALFORMED
        if token == self.reset_url_token:  # the form's own address: its link was used (or is from another browser)
            return mail.LinkProblem.USED
        generator = self.token_generator
        try:
            stamp, _hash = token.split("-")
            made = generator._make_token_with_timestamp(self.user, base36_to_int(stamp), generator.secret)
        except ValueError:
            return mail.LinkProblem.MALFORMED
        if len(token) != len(made):
            return mail.LinkProblem.MALFORMED
        if made == token:  # ours and unchanged, so refused for its age
            return mail.LinkProblem.EXPIRED
        return mail.LinkProblem.USED

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.validlink:
            context["problem"] = self.link_problem()
            context["days"] = settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)
        return context
