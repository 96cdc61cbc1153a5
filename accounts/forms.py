import json

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts import throttle, zones
from accounts.models import IDENTITY_KEY_MAX, identity_key, visible_name
from devopslearn.lib import languages

User = get_user_model()


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own words ("Tiếng Việt" on an English page too), after "the browser's"."""
    return [("", _("The browser's language")), *languages.own_names()]


class UniqueIdentityMixin:
    """A username or confirmed e-mail address belongs to one account however it is spelled (see
    accounts.models.identity_key): a clash is a form error, before the database refuses it."""

    check_email_taken = True

    def clean_display_name(self):
        return visible_name(self.cleaned_data.get("display_name") or "")

    def clean_username(self):
        username = self.cleaned_data.get("username")
        if username and User.objects.with_username(username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A user with that username already exists."), code="unique")
        return username

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        if len(identity_key(email)) > IDENTITY_KEY_MAX:
            raise forms.ValidationError(_("This e-mail address is too long."))
        if self.check_email_taken and email and User.objects.with_email(email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."), code="unique")
        return email


class QuickSelect(forms.Select):
    """A select whose options one template writes in one loop
    (accounts/templates/accounts/widgets/quick_select.html), not a template per option as Django's
    select does: the time-zone list has about 600 of them, which took Django's widget templates a
    quarter of a second. The template's context: ``widget.groups``, a list of (group label or "",
    [(value, label), ...]) in the choices' order, and ``widget.value``, the selected values as strings."""

    template_name = "accounts/widgets/quick_select.html"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)  # not Select's: no option dicts
        context["widget"]["groups"] = [
            (key, [(str(k), v) for k, v in label]) if isinstance(label, list | tuple) else ("", [(str(key), label)])
            for key, label in self.choices
        ]
        return context


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form, saying which field cares about case: a username is found however it is
    spelled (accounts.models.identity_key), a password is not (Django's own message says both may be)."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct username and password. The password is case-sensitive; the username is not."
        ),
    }


class SignupForm(UniqueIdentityMixin, auth_forms.UserCreationForm):
    """A new account. The address is confirmed by mail before it becomes the account's (views.signup),
    so an address that already has an account is not refused here: that would tell anybody which
    addresses have accounts."""

    check_email_taken = False

    class Meta(auth_forms.UserCreationForm.Meta):  # keeps UsernameField, which applies NFKC
        model = User
        fields = ("username", "email", "display_name", "time_zone")
        help_texts = {"username": _("Letters, digits and @/./+/-/_ only; you log in with it.")}
        widgets = {"time_zone": QuickSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].required = False  # a form posted without it keeps the site's default
        if not self.is_bound:  # static/js/app.js then proposes the browser's zone; without it the default stays
            self.fields["time_zone"].widget.attrs.update(
                {"data-browser-zone": "", "data-zone-aliases": json.dumps(zones.aliases(), separators=(",", ":"))}
            )
        self.fields["email"].required = True
        self.fields["email"].help_text = _("We send a link to confirm it.")
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["display_name"].widget.attrs.update(autocomplete="name")

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or settings.DEFAULT_USER_TIME_ZONE

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = ""  # until the link mailed to it is opened
        if commit:
            user.save()
        return user


class AccountForm(UniqueIdentityMixin, forms.ModelForm):
    """The profile. A new e-mail address needs the account's password and takes effect only once the
    link mailed to it is opened (views.account): a stolen session cannot take over the account by
    pointing its address, and so its password resets, elsewhere."""

    check_email_taken = False  # told by mail to the address, not on the page
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your e-mail address."),
    )

    class Meta:
        model = User
        fields = ("display_name", "email", "time_zone", "language")
        widgets = {"time_zone": QuickSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_email = self.instance.email
        self.pending_email = self.instance.pending_email
        if not self.current_email and self.pending_email:
            # A new account's address waits for its link: the field shows it rather than coming back empty.
            self.initial["email"] = self.pending_email
        self.fields["email"].required = True
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["email"].help_text = _("A new address takes effect when you open the link we mail to it.")
        self.fields["language"].choices = language_choices()
        # An account saved with a legacy zone name (US/Pacific) is offered its canonical zone.
        if self.initial.get("time_zone"):
            self.initial["time_zone"] = zones.canonical(self.initial["time_zone"])

    def is_change(self, email: str) -> bool:
        """Whether ``email`` asks for a new address: not the current one, nor the one already waiting
        for its link (saving the page again must neither ask the password nor mail it again)."""
        return bool(email) and email not in (self.current_email, self.pending_email)

    @property
    def new_email(self) -> str | None:
        """The address asked for, when it is a change (valid forms only)."""
        email = self.cleaned_data.get("email", "")
        return email if self.is_change(email) else None

    def clean(self):
        cleaned = super().clean()
        changing = self.is_change(cleaned.get("email"))
        if changing and not self.instance.check_password(cleaned.get("password") or ""):
            self.add_error("password", _("Enter your password to change your e-mail address."))
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = self.current_email  # the new one waits for its confirmation (views.account)
        if commit:
            user.save()
        return user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, finding the account by any spelling of its confirmed address, and sending
    one account at most ACCOUNT_THROTTLES["reset-account"] mails (beyond that, silently none: the
    page says the same whether or not a mail went out)."""

    def get_users(self, email):
        for user in User.objects.with_email(email).filter(is_active=True):
            if user.has_usable_password() and throttle.allow("reset-account", user.pk):
                yield user

    def clean_email(self):
        email = self.cleaned_data["email"]
        if len(identity_key(email)) > IDENTITY_KEY_MAX:
            raise forms.ValidationError(_("This e-mail address is too long."))
        return email


class AdminUserCreationForm(UniqueIdentityMixin, auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "display_name")


class AdminUserChangeForm(UniqueIdentityMixin, auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password; your account was not deleted."))
        return password
