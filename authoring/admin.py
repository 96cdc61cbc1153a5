"""The instructors' pages in the admin: "Import a report", "Import questions" (GIFT or Moodle XML),
the export actions on the quiz list, and the records of what each import made.

Who may use them follows what they create: importing a report needs the right to add modules,
lessons, quizzes and questions; importing questions the right to add questions and choices;
exporting the right to view questions. The Instructors group has all of them.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from authoring.forms import QuestionUploadForm, ReportUploadForm
from authoring.interchange.files import BankFileError, export_quizzes, read_bank
from authoring.interchange.store import import_bank
from authoring.models import GeneratedQuestion, QuestionImport, ReportImport
from authoring.reports.save import ReportError, import_report
from courses.models import Module
from devopslearn.lib.translated import SearchEveryLanguage
from quizzes.models import Quiz

REPORT_PERMISSIONS = ("courses.add_module", "courses.add_lesson", "quizzes.add_quiz", "quizzes.add_question")
QUESTION_PERMISSIONS = ("quizzes.add_question", "quizzes.add_choice")


def can_import_reports(user) -> bool:
    return user.is_active and user.is_staff and user.has_perms(REPORT_PERMISSIONS)


def can_import_questions(user) -> bool:
    return user.is_active and user.is_staff and user.has_perms(QUESTION_PERMISSIONS)


class GeneratedQuestionInline(admin.TabularInline):
    model = GeneratedQuestion
    fields = ("question_link", "kind", "origin", "needs_review")
    readonly_fields = ("question_link", "kind", "origin")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quizzes.view_question")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("quizzes.change_question")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")

    @admin.display(description=_("question"))
    def question_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:quizzes_question_change", args=[obj.question_id]), obj.question.key
        )

    @admin.display(description=_("kind"))
    def kind(self, obj):
        return obj.question.get_kind_display()


@admin.register(ReportImport)
class ReportImportAdmin(admin.ModelAdmin):
    list_display = ("source_name", "title", "module_link", "event_date", "to_review", "updated_at")
    list_select_related = ("module",)
    search_fields = ("source_name", "title")
    readonly_fields = (
        "source_name",
        "path",
        "module_link",
        "quiz",
        "title",
        "event_date",
        "source_note",
        "encoding_repair",
        "glossary_terms",
        "report_text",
        "imported_by",
        "created_at",
        "updated_at",
    )
    exclude = ("glossary", "report", "module", "content_hash")
    inlines = [GeneratedQuestionInline]
    change_list_template = "admin/authoring/reportimport_change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(review_n=Count("generated_questions", filter=Q(generated_questions__needs_review=True)))
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("courses.view_module")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False  # a report is imported on its own page, "Import a report"

    def has_change_permission(self, request, obj=None):
        # Only the inline's "needs review" boxes change here; the rest is the record of an import.
        return can_import_reports(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm("courses.delete_module")

    @admin.display(description=_("draft module"), ordering="module__title")
    def module_link(self, obj):
        if obj.module_id is None:
            return _("deleted")
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:courses_module_change", args=[obj.module_id]), obj.module
        )

    @admin.display(description=_("generated, needs review"), ordering="review_n")
    def to_review(self, obj):
        return obj.review_n

    @admin.display(description=_("glossary"))
    def glossary_terms(self, obj):
        if not obj.glossary:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong>{}</li>",
                ((t["term"], f": {t['description']}" if t["description"] else "") for t in obj.glossary),
            ),
        )

    @admin.display(description=_("report of the last import"))
    def report_text(self, obj):
        return format_html("<pre class='authoring-report' tabindex='0'>{}</pre>", obj.report)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="authoring_reportimport_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """ "Import a report": upload one or more files; each becomes (or updates) its draft module."""
        if not can_import_reports(request.user):
            raise PermissionDenied
        form = ReportUploadForm(request.POST or None, request.FILES or None)
        results, failures = [], []
        if request.method == "POST" and form.is_valid():
            for upload in form.cleaned_data["files"]:
                name = upload.name[:255]
                try:
                    results.append(
                        import_report(name, upload.read(), path=form.cleaned_data["path"], user=request.user)
                    )
                except ReportError as error:
                    failures.append(f"{error} Nothing was imported from it.")
        return TemplateResponse(
            request,
            "admin/authoring/import_report.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import a report"),
                "form": form,
                "results": results,
                "failures": failures,
                "opts": self.model._meta,
            },
        )


@admin.register(GeneratedQuestion)
class GeneratedQuestionAdmin(SearchEveryLanguage, admin.ModelAdmin):
    list_display = ("question_key", "kind", "report_import", "origin", "needs_review")
    list_filter = ("needs_review", "question__kind")
    list_select_related = ("question__quiz", "report_import")
    search_fields = ("question__key", "question__prompt_md", "origin")
    actions = ["mark_reviewed"]
    readonly_fields = ("question_link", "report_import", "origin")
    fields = ("question_link", "report_import", "origin", "needs_review")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("quizzes.view_question")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm("quizzes.change_question")

    def has_delete_permission(self, request, obj=None):
        return False  # deleting the question deletes this record

    @admin.display(description=_("question"), ordering="question__key")
    def question_key(self, obj):
        return obj.question.key

    @admin.display(description=_("kind"), ordering="question__kind")
    def kind(self, obj):
        return obj.question.get_kind_display()

    @admin.display(description=_("question"))
    def question_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:quizzes_question_change", args=[obj.question_id]), obj.question.key
        )

    @admin.action(description=_("Mark the selected generated questions as reviewed"))
    def mark_reviewed(self, request, queryset):
        count = queryset.update(needs_review=False)
        self.message_user(
            request,
            ngettext("%(n)d question marked as reviewed.", "%(n)d questions marked as reviewed.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(QuestionImport)
class QuestionImportAdmin(SearchEveryLanguage, admin.ModelAdmin):
    list_display = ("source_name", "quiz", "file_format", "created", "skipped", "warnings", "imported_by", "created_at")
    list_select_related = ("quiz", "imported_by")
    list_filter = ("file_format",)
    search_fields = ("source_name", "quiz__title")
    readonly_fields = (
        "quiz",
        "source_name",
        "file_format",
        "created",
        "skipped",
        "warnings",
        "report_text",
        "imported_by",
        "created_at",
    )
    exclude = ("report",)
    change_list_template = "admin/authoring/questionimport_change_list.html"

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("quizzes.view_question")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False  # questions are imported on their own page, "Import questions"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.display(description=_("report"))
    def report_text(self, obj):
        return format_html("<pre class='authoring-report' tabindex='0'>{}</pre>", obj.report)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="authoring_questionimport_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """ "Import questions": one GIFT or Moodle XML file into one quiz."""
        if not can_import_questions(request.user):
            raise PermissionDenied
        initial = {"quiz": request.GET.get("quiz")} if request.GET.get("quiz", "").isdigit() else {}
        form = QuestionUploadForm(request.POST or None, request.FILES or None, initial=initial)
        result = problem = None
        if request.method == "POST" and form.is_valid():
            upload, quiz = form.cleaned_data["file"], form.cleaned_data["quiz"]
            try:
                file_format, bank = read_bank(upload.name, upload.read(), form.cleaned_data["file_format"] or None)
            except BankFileError as error:
                problem = str(error)
            else:
                result = import_bank(
                    bank, quiz, publish=form.cleaned_data["publish"], pool=form.cleaned_data["pool"].strip()
                )
                if result.ok:
                    QuestionImport.objects.create(
                        quiz=quiz,
                        source_name=upload.name[:255],
                        file_format=file_format,
                        created=len(result.created),
                        skipped=len(bank.skipped),
                        warnings=len(bank.warnings),
                        report="\n".join(result.lines()),
                        imported_by=request.user,
                    )
        return TemplateResponse(
            request,
            "admin/authoring/import_questions.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import questions (GIFT or Moodle XML)"),
                "form": form,
                "result": result,
                "problem": problem,
                "opts": self.model._meta,
            },
        )


# --- the quiz and module lists: export actions and links to the import pages ---------------------


def _export(file_format: str):
    def action(modeladmin, request, queryset):
        if not request.user.has_perm("quizzes.view_question"):
            raise PermissionDenied
        exported = export_quizzes(list(queryset.order_by("module__order", "id")), file_format)
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response

    action.__name__ = f"export_{file_format}"
    return action


export_gift = admin.action(description=_("Export the selected quizzes as GIFT"))(_export("gift"))
export_moodle_xml = admin.action(description=_("Export the selected quizzes as Moodle XML"))(_export("moodle_xml"))


@admin.action(description=_("Import GIFT or Moodle XML questions into the selected quiz"))
def import_into_quiz(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Select exactly one quiz to import questions into."), messages.WARNING)
        return None
    return redirect(reverse("admin:authoring_questionimport_import") + f"?quiz={queryset.get().pk}")


def _extend(model, template: str, actions=()) -> None:
    """Link the lower apps' lists to these pages without those apps knowing about authoring."""
    model_admin = admin.site.get_model_admin(model)
    if model_admin.change_list_template is None:
        model_admin.change_list_template = template
    if actions:
        model_admin.actions = [*(model_admin.actions or []), *actions]


_extend(Quiz, "admin/authoring/quiz_change_list.html", [export_gift, export_moodle_xml, import_into_quiz])
_extend(Module, "admin/authoring/module_change_list.html")
