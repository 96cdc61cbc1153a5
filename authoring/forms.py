from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from authoring.interchange.files import MAX_BYTES as MAX_BANK_BYTES
from authoring.reports.read import MAX_BYTES as MAX_REPORT_BYTES
from courses.models import LearningPath
from quizzes.models import Quiz

MAX_REPORTS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented pattern for an <input type="file" multiple>: cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ReportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Report files"),
        help_text=_(
            "One or more workshop reports (markdown or Hugo pages, UTF-8), at most 1 MB each and 10 at a time."
        ),
    )
    path = forms.ModelChoiceField(
        label=_("Learning path"), queryset=LearningPath.objects.order_by("id"), empty_label=None
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_REPORTS:
            raise forms.ValidationError(
                ngettext(
                    "Upload at most %(n)d report at a time.", "Upload at most %(n)d reports at a time.", MAX_REPORTS
                )
                % {"n": MAX_REPORTS}
            )
        too_big = [f.name for f in files if f.size > MAX_REPORT_BYTES]
        if too_big:
            raise forms.ValidationError(
                _("These files are over 1 MB, the limit for a report: %(names)s. Nothing was imported.")
                % {"names": ", ".join(too_big)}
            )
        return files


class QuestionUploadForm(forms.Form):
    quiz = forms.ModelChoiceField(
        label=_("Into the quiz"), queryset=Quiz.objects.select_related("module").order_by("module__order", "id")
    )
    file = forms.FileField(
        label=_("GIFT or Moodle XML file"),
        help_text=_("A .gift/.txt (GIFT) or .xml (Moodle XML) file of at most 2 MB."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Tell from the file")), ("gift", "GIFT"), ("moodle_xml", "Moodle XML")],
        required=False,
    )
    pool = forms.CharField(
        label=_("Into the pool"),
        required=False,
        max_length=200,
        help_text=_(
            "Optional: a pool of the quiz (its title or key; made if it does not exist) for every question. "
            "Left empty, each question goes into the pool its Moodle category names."
        ),
    )
    publish = forms.BooleanField(
        label=_("Publish the imported questions"),
        required=False,
        help_text=_("Left unticked, they are imported unpublished, for you to review first."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_BANK_BYTES:
            raise forms.ValidationError(_("The file is over 2 MB, the limit for a question file."))
        return file
