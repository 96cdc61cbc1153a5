from django import forms
from django.utils.translation import gettext_lazy as _

from quizzes.models import MAX_EXTRA_MINUTES


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Invite code"),
        max_length=16,
        help_text=_("Your cohort lead shares it with you, e.g. K7PQ2M9XWD."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).upper()


class GrantForm(forms.Form):
    """Extra attempts and/or time for one member on one quiz of the cohort's path (an accommodation)."""

    quiz = forms.ModelChoiceField(label=_("Quiz"), queryset=None, empty_label=None)
    extra_attempts = forms.IntegerField(label=_("Extra attempts"), min_value=0, max_value=20, initial=0)
    extra_minutes = forms.IntegerField(
        label=_("Extra time (minutes)"),
        min_value=0,
        max_value=MAX_EXTRA_MINUTES,
        initial=0,
        help_text=_("Added to the quiz's time limit, also for an attempt the learner is taking now."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, help_text=_("Kept with the grant, e.g. “accommodation agreed on 3 May”.")
    )

    def __init__(self, *args, quizzes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes

    def clean(self):
        data = super().clean()
        quiz, attempts, minutes = data.get("quiz"), data.get("extra_attempts"), data.get("extra_minutes")
        if quiz is None or attempts is None or minutes is None:
            return data
        if not attempts and not minutes:
            raise forms.ValidationError(_("Grant at least one extra attempt or one extra minute."))
        if minutes and not quiz.time_limit_minutes:
            self.add_error("extra_minutes", _("This quiz has no time limit: extra time would change nothing."))
        if attempts and quiz.max_attempts is None:
            self.add_error("extra_attempts", _("This quiz allows unlimited attempts: extra ones would change nothing."))
        return data
