"""The authoring app's part of a person's data (accounts.personal_data): the reports and question
banks a staff member imported. The records stay when the account goes (they describe content, not
the person); their ``imported_by`` becomes empty (SET_NULL)."""

from accounts import personal_data
from authoring.models import QuestionImport, ReportImport


def export_report_imports(user) -> list[dict]:
    return [
        {"file": r.source_name, "title": r.title, "imported_at": r.created_at.isoformat()}
        for r in ReportImport.objects.filter(imported_by=user).order_by("created_at")
    ]


def export_question_imports(user) -> list[dict]:
    return [
        {
            "file": i.source_name,
            "format": i.file_format,
            "quiz": i.quiz.title,
            "created": i.created,
            "imported_at": i.created_at.isoformat(),
        }
        for i in QuestionImport.objects.filter(imported_by=user).select_related("quiz").order_by("created_at")
    ]


def register() -> None:
    personal_data.register("report_imports", export=export_report_imports, models=[ReportImport])
    personal_data.register("question_imports", export=export_question_imports, models=[QuestionImport])
