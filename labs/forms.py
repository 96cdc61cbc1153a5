from django import forms
from django.utils.translation import gettext_lazy as _

from labs import documents
from labs.kinds import KINDS


class SubmissionForm(forms.Form):
    """The artifact a learner sends to "Check". Its size limit is the grader's own (documents.check_size)."""

    artifact = forms.CharField(
        label=_("Your file"),
        strip=False,
        max_length=512 * 1024,  # far over every lab's limit: what is over the lab's own gets its own message
        widget=forms.Textarea(
            attrs={
                "rows": 22,
                "cols": 80,
                "spellcheck": "false",
                "autocapitalize": "off",
                "autocomplete": "off",
                "wrap": "off",
                "class": "code-input",
                "data-editor": "",
                "aria-describedby": "editor-help",
            }
        ),
        error_messages={"required": _("The file is empty. Write your file, or reset to the starter, then check.")},
    )

    def __init__(self, *args, lab, **kwargs):
        self.lab = lab
        super().__init__(*args, **kwargs)
        self.fields["artifact"].label = KINDS[lab.kind].filename

    def clean_artifact(self) -> str:
        text = self.cleaned_data["artifact"].replace("\r\n", "\n").replace("\r", "\n")
        try:
            documents.check_size(self.lab.kind, text)
        except documents.Refused as refusal:
            raise forms.ValidationError(refusal.message) from None
        return text
