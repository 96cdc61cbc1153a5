"""The report importer: one function, used by ``import_report`` and the admin's "Import a report".

A report file becomes (or updates) one unpublished module with draft lessons and generated
questions. It is idempotent: the same file again changes nothing. An edited file updates the
draft, but never a published module, lesson or question, nor one somebody edited since it was
made: for those it reports what it would have changed. Bad input raises ``ReportError`` before
anything is written, and everything is written in one transaction, so there is never half a draft.
"""

import difflib
import hashlib
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max

from authoring.interchange.bank import BankQuestion
from authoring.interchange.store import question_fields, save_question, to_bank, write_choices
from authoring.models import GeneratedQuestion, ReportImport, fingerprint
from authoring.reports.draft import Draft, DraftLesson, build_draft, glossary_markdown, unique_key
from authoring.reports.read import ReportError, read_report
from courses import changes
from courses.importers import ImportContext
from courses.models import LearningPath, Lesson, Module
from quizzes.models import Question, Quiz

__all__ = ["ReportError", "ReportResult", "import_report"]

WORDS_PER_MINUTE = 200
KIND_ORDER = ("created", "updated", "unchanged", "kept", "removed")


@dataclass
class ReportResult:
    """What one import made: the module, counts per kind of row and outcome, and notes."""

    name: str
    record: ReportImport | None = None
    module: Module | None = None
    module_outcome: str = ""
    counts: dict[str, Counter] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    draft: Draft | None = None

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return self.module_outcome in ("created", "updated") or any(
            counts[o] for counts in self.counts.values() for o in ("created", "updated", "removed")
        )

    def lines(self) -> list[str]:
        module = f"“{self.module.title}”" if self.module else "(none)"
        out = [f"{self.name}: draft module {module} {self.module_outcome} (unpublished)."]
        for kind, counts in self.counts.items():
            out.append(f"  {kind}: " + ", ".join(f"{counts[o]} {o}" for o in KIND_ORDER if counts[o]))
        if self.draft is not None:
            facts = self.draft.facts
            when = facts.event_date.isoformat() if facts.event_date else "unknown"
            where = f" ({facts.date_source})" if facts.date_source else ""
            out.append(f"  event date: {when}{where}; glossary: {len(self.draft.glossary)} terms")
        out += [f"  note: {note}" for note in self.notes]
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def minutes(text: str) -> int:
    return max(2, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


def _differences(instance, values: dict) -> list[str]:
    """The imported fields ``values`` would change on ``instance``, in words."""
    changed = []
    for name, value in values.items():
        current = getattr(instance, name)
        if name == "published" or current == value:
            continue
        if isinstance(value, str) and "\n" in (value + str(current)):
            diff = [
                line
                for line in difflib.unified_diff(str(current).splitlines(), value.splitlines(), lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))
            ]
            changed.append(f"{instance._meta.get_field(name).verbose_name} ({len(diff)} lines differ)")
        else:
            changed.append(f"{instance._meta.get_field(name).verbose_name} (to “{value}”)")
    return changed


class _Writer:
    def __init__(self, draft: Draft, name: str, path: LearningPath, record: ReportImport | None, result: ReportResult):
        self.draft, self.name, self.path, self.record, self.result = draft, name, path, record, result
        self.context = ImportContext()

    def keep_published(self, instance, values: dict, label: str, kind: str) -> bool:
        """True (and a note of what would have changed) when ``instance`` is published."""
        if instance is None or not instance.published:
            return False
        changes = _differences(instance, values)
        if changes:
            self.would_have_changed(label, changes)
            self.result.count(kind, "kept")
        else:
            self.result.count(kind, "unchanged")
        return True

    def would_have_changed(self, label: str, changes: list[str]) -> None:
        self.result.notes.append(
            f"{label} is published, so it was left as it is; the report would have changed " + ", ".join(changes)
        )

    def sync(self, instance, make, values: dict, label: str, kind: str):
        instance, outcome = self.context.sync(instance, make, values, label)
        if outcome == "skipped":
            self.result.notes.append(f"{label} was edited in the admin since it was imported; it was left as it is")
            outcome = "kept"
        self.result.count(kind, outcome)
        return instance, outcome

    # --- the module and its lessons ------------------------------------------------------------

    def module(self) -> Module:
        draft = self.draft
        module = self.record.module if self.record else None
        lessons = self.lessons()
        values = {
            "title": draft.title,
            "summary": draft.source_note(self.name),
            "estimated_minutes": sum(minutes(lesson.body) for lesson in lessons),
            "objectives": "",
            "published": False,
        }
        label = f"the module “{module.title if module else draft.title}”"
        if module is not None and module.published:
            changes = _differences(module, values)
            self.result.module_outcome = "kept (published)"
            if changes:
                self.would_have_changed(label, changes)
            return module
        existing = module
        if module is None:
            taken = set(Module.objects.filter(path=self.path).values_list("slug", flat=True))
            order = (Module.objects.filter(path=self.path).aggregate(n=Max("order"))["n"] or 0) + 1
            module = Module(path=self.path, slug=unique_key(draft.title, taken, "report", limit=100), order=order)
        instance, outcome = self.context.sync(existing, lambda: module, values, label)
        if outcome == "skipped":
            self.result.notes.append(f"{label} was edited in the admin since it was imported; it was left as it is")
            outcome = "kept"
        self.result.module_outcome = outcome
        return instance

    def lessons(self) -> list[DraftLesson]:
        lessons = list(self.draft.lessons)
        if self.draft.glossary:
            body = (
                "The key terms of the report, with the description it gives where it gives one.\n\n"
                + glossary_markdown(self.draft.glossary)
            )
            lessons.append(DraftLesson("key-terms", "Key terms", body, 0))
        return lessons

    def write_lessons(self, module: Module) -> None:
        wanted = self.lessons()
        keys = {lesson.key for lesson in wanted}
        existing = {lesson.key: lesson for lesson in Lesson.objects.filter(module=module)}
        for key, lesson in list(existing.items()):
            if key in keys:
                continue
            label = f"the lesson “{lesson.title}”"
            if lesson.published or lesson.edited_since_import:
                why = "is published" if lesson.published else "was edited in the admin"
                self.result.notes.append(f"{label} is no longer in the report but {why}; it was kept")
                self.result.count("lessons", "kept")
            else:
                lesson.delete()
                del existing[key]
                self.result.count("lessons", "removed")
        slugs = {lesson.slug: key for key, lesson in existing.items()}
        for order, draft in enumerate(wanted, start=1):
            instance = existing.get(draft.key)
            slug = draft.key
            while slugs.get(slug, draft.key) != draft.key:
                slug = f"{slug}-2"
            values = {
                "slug": slug,
                "title": draft.title,
                "order": order,
                "estimated_minutes": minutes(draft.body),
                "body_md": draft.body,
                "takeaways": "",
                "sources": self.name[:500],
                "published": False,
            }
            label = f"the lesson “{draft.title}”"
            if self.keep_published(instance, values, label, "lessons"):
                continue
            self.sync(instance, lambda draft=draft: Lesson(module=module, key=draft.key), values, label, "lessons")
            slugs[slug] = draft.key

    # --- generated questions ---------------------------------------------------------------------

    def quiz(self, module: Module) -> Quiz | None:
        quiz = self.record.quiz if self.record else None
        if quiz is None or quiz.module_id != module.pk:
            quiz = Quiz.objects.filter(module=module, lesson__isnull=True).first()
        if quiz is None and self.draft.questions:
            quiz = Quiz.objects.create(
                module=module,
                key="module",
                title=f"{module.title}: questions from the report"[:200],
                published=False,
            )
            self.result.count("quizzes", "created")
        return quiz

    def write_questions(self, quiz: Quiz | None, record: ReportImport) -> None:
        if quiz is None:
            return
        links = GeneratedQuestion.objects.filter(report_import=record, question__quiz=quiz).select_related("question")
        generated = {link.question.key: link for link in links}
        wanted = {q.key for q in self.draft.questions}
        for key, link in list(generated.items()):
            if key in wanted:
                continue
            question = link.question
            reason = self.keep_reason(question, link)
            if reason:
                self.result.notes.append(f"the question “{key}” is no longer made from the report but {reason}; kept")
                self.result.count("generated questions", "kept")
            else:
                question.delete()
                del generated[key]
                self.result.count("generated questions", "removed")
        own = [link.question_id for link in generated.values()]
        others = set(Question.objects.filter(quiz=quiz).exclude(pk__in=own).values_list("key", flat=True))
        start = Question.objects.filter(quiz=quiz, key__in=others).aggregate(n=Max("order"))["n"] or 0
        for position, data in enumerate(self.draft.questions, start=start + 1):
            key = data.key
            while key in others:
                key = f"{key}-r"
            link = generated.get(key)
            if link is None:
                self.create_question(quiz, record, data, key, position)
                self.result.count("generated questions", "created")
            else:
                self.update_question(link, data, position)

    def keep_reason(self, question: Question, link: GeneratedQuestion) -> str:
        if question.published:
            return "is published"
        if fingerprint(self.current(question).content()) != link.fingerprint:
            return "was edited since it was generated"
        if question.responses.exists():
            return "has learners' answers"
        return ""

    @staticmethod
    def current(question: Question) -> BankQuestion:
        return to_bank(question, list(question.choices.all()))

    def create_question(self, quiz: Quiz, record: ReportImport, data: BankQuestion, key: str, order: int) -> None:
        question, _problems = save_question(data, quiz=quiz, key=key, order=order, published=False)
        GeneratedQuestion.objects.create(
            question=question,
            report_import=record,
            origin=data.origin[:300],
            fingerprint=fingerprint(data.content()),
        )

    def update_question(self, link: GeneratedQuestion, data: BankQuestion, order: int) -> None:
        question = link.question
        current = self.current(question)
        if current.same_content(data):
            if question.order != order and not question.published:
                Question.objects.filter(pk=question.pk).update(order=order)
            self.result.count("generated questions", "unchanged")
            return
        reason = self.keep_reason(question, link)
        if reason:
            self.result.notes.append(
                f"the question “{question.key}” {reason}, so it was left as it is; the report would have changed it "
                f"({', '.join(current.differences(data))})"
            )
            self.result.count("generated questions", "kept")
            return
        for name, value in question_fields(data).items():
            setattr(question, name, value)
        question.order = order
        question.save()
        question.choices.all().delete()
        write_choices(question, data)
        link.fingerprint = fingerprint(data.content())
        link.origin = data.origin[:300]
        link.needs_review = True
        link.save(update_fields=["fingerprint", "origin", "needs_review"])
        self.result.count("generated questions", "updated")


@changes.batch()  # one transaction; grades and progress follow the content (courses.changes)
def import_report(
    name: str,
    raw: bytes,
    *,
    path: LearningPath,
    user=None,
    exists: Callable[[str], bool] | None = None,
) -> ReportResult:
    """Make (or update) the draft module of the report ``name`` (its file name, which identifies it
    within ``path``) from its bytes. Raises ReportError, writing nothing, for a file that is not a
    report (not text, empty, over 1 MB, binary, no headings). ``exists(src)`` says whether an image
    the report links to is there."""
    source = read_report(name, raw, exists=exists)
    draft = build_draft(source)
    result = ReportResult(name=name, draft=draft)
    result.notes += draft.notes
    record = ReportImport.objects.select_for_update().filter(path=path, source_name=name).first()
    writer = _Writer(draft, name, path, record, result)
    module = writer.module()
    result.module = module
    writer.write_lessons(module)
    record = record or ReportImport(path=path, source_name=name)
    quiz = writer.quiz(module)
    values = {
        "module": module,
        "quiz": quiz,
        "content_hash": hashlib.sha256(raw).hexdigest(),
        "title": draft.title,
        "event_date": draft.facts.event_date,
        "source_note": draft.source_note(name),
        "encoding_repair": str(source.repair)[:300] if source.repair else "",
        "glossary": [{"term": t.term, "description": t.description, "line": t.line} for t in draft.glossary],
    }
    if record.pk is None or any(getattr(record, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(record, key, value)
        record.imported_by = user if user is not None and user.is_authenticated else record.imported_by
        record.save()
    writer.write_questions(quiz, record)
    result.record = record
    report = result.text()
    if record.report != report and result.changed or not record.report:
        ReportImport.objects.filter(pk=record.pk).update(report=report)
        record.report = report
    return result
