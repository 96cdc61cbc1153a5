from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

User = get_user_model()


class EmailUniqueMixin:
    """E-mail addresses are unique ignoring case; say so in the form, not with a database error."""

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if email and others.exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


class SignupForm(EmailUniqueMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "email", "display_name")
        help_texts = {"username": _("Letters, digits and @/./+/-/_ only; you log in with it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["display_name"].widget.attrs.update(autocomplete="name")


class QuickSelect(forms.Select):
    """A select whose options are rendered in one pass, not a template per option: the time-zone
    list has about 600 of them, which took Django's widget templates a quarter of a second."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = str(value) if value is not None else ""
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) == selected else "", label) for key, label in self.choices),  # noqa: S308 - a constant
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class AccountForm(EmailUniqueMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "email", "time_zone")
        widgets = {"time_zone": QuickSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].widget.attrs.update(autocomplete="email")


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
