"""Writes that change a learner's progress. Each runs in one transaction with the progress row it
affects, so that ModuleProgress always agrees with the ground truth (rebuild_progress checks it)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from fsrs import Rating

from courses.models import LearningPath, Lesson, Module
from progress import rebuild
from progress.models import (
    Certificate,
    CertificateChange,
    DailyActivity,
    LessonCompletion,
    ModuleProgress,
    ReviewCard,
)
from progress.signals import activity_recorded, progress_changed
from progress.states import path_modules


def local_day(user, when=None) -> date:
    return timezone.localtime(when or timezone.now(), user.zone).date()


def record_activity(user, when=None, **counts: int) -> None:
    """Add to the learner's activity on the day it happened, in their time zone."""
    day = local_day(user, when)
    DailyActivity.add(user.pk, day, counts)
    if any(counts.values()):
        activity_recorded.send(sender=DailyActivity, user_id=user.pk, day=day)


def progress_row(user, module: Module, *, lock: bool = True) -> ModuleProgress:
    """The learner's row for a module, created if missing, locked for update on PostgreSQL."""
    queryset = ModuleProgress.objects.select_for_update() if lock else ModuleProgress.objects
    row = queryset.filter(user=user, module=module).first()
    if row is None:
        try:
            with transaction.atomic():
                row = ModuleProgress.objects.create(user=user, module=module)
        except IntegrityError:
            return queryset.get(user=user, module=module)
        # The learner may have review cards of the module already (answers before the attempt closed).
        ModuleProgress.objects.filter(pk=row.pk).refresh_earliest_due()
        row.refresh_from_db(fields=["earliest_due"])
    return row


def refresh_row(row: ModuleProgress) -> ModuleProgress:
    """Recompute one row from the ground truth, exactly as rebuild_progress does for everyone."""
    shapes = rebuild.module_shapes([row.module])
    facts = rebuild.gather([row.user_id], [row.module]).get((row.user_id, row.module_id), rebuild.Facts())
    rebuild.apply_facts(row, facts, shape=shapes[row.module_id])
    return row


@transaction.atomic
def update_progress(user, module: Module, *, sticky: bool = True) -> ModuleProgress:
    """Bring the learner's row for ``module`` up to date with the ground truth.

    A completed module stays completed (``sticky``) when the content or a regrade changes under
    it. Only the learner's own undo (``sticky=False``) takes the completion back, when the rule no
    longer holds: then the row is what a rebuild from scratch computes.
    """
    row = progress_row(user, module)
    if not sticky:
        row.completed_at = None
    refresh_row(row)
    row.save()
    progress_changed.send(sender=ModuleProgress, user_ids=[user.pk], path_ids={module.path_id})
    if row.completed_at:
        maybe_issue_certificate(user, module)
    return row


def maybe_issue_certificate(user, module: Module) -> Certificate | None:
    """Issue the path's certificate once, when every published module of it is completed."""
    path = module.path
    if Certificate.objects.filter(user=user, path=path).exists():
        return None
    module_ids = [m.pk for m in path_modules(path)]
    done = ModuleProgress.objects.filter(user=user, module_id__in=module_ids, completed_at__isnull=False).count()
    if not module_ids or done < len(module_ids):
        return None
    try:
        with transaction.atomic():
            return Certificate.objects.create(user=user, path=path, name=user.shown_name, path_title=path.title)
    except IntegrityError:
        return None


def issue_certificates(path: LearningPath, user_ids) -> int:
    """Issue the path's certificate to each of these learners who completed every published module
    and has none yet, in a fixed number of queries (after a content edit completes modules)."""
    module_ids = [m.pk for m in path_modules(path)]
    if not module_ids:
        return 0
    done = set(
        ModuleProgress.objects.filter(user_id__in=user_ids, module_id__in=module_ids, completed_at__isnull=False)
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n=len(module_ids))
        .values_list("user_id", flat=True)
    )
    done -= set(Certificate.objects.filter(path=path, user_id__in=done).values_list("user_id", flat=True))
    certificates = [
        Certificate(user=user, path=path, name=user.shown_name, path_title=path.title)
        for user in get_user_model().objects.filter(pk__in=done)
    ]
    Certificate.objects.bulk_create(certificates, ignore_conflicts=True)
    return len(certificates)


class CertificateRefused(Exception):
    """A certificate cannot be re-issued or revoked so; the message says why, in plain words."""


@transaction.atomic
def reissue_certificate(certificate: Certificate, *, by, reason: str) -> CertificateChange:
    """Re-issue the certificate with its learner's current name: the same code and date of issue, a
    new "last issued" date, and a revocation lifted. Logged with ``reason`` and who did it (the
    learner who asked, or staff). Raises CertificateRefused when there is nothing to re-issue."""
    certificate = Certificate.objects.select_for_update(of=("self",)).select_related("user").get(pk=certificate.pk)
    reason = " ".join(reason.split())[:300]
    if certificate.user is None:
        raise CertificateRefused(_("The learner deleted their account: this certificate can only be revoked."))
    if not reason:
        raise CertificateRefused(_("Say why the certificate is re-issued."))
    name = certificate.user.shown_name[:150]
    if name == certificate.name and not certificate.is_revoked:
        raise CertificateRefused(_("The certificate already carries the learner's current name."))
    change = CertificateChange.objects.create(
        certificate=certificate,
        kind=CertificateChange.Kind.REISSUED,
        name_before=certificate.name,
        name_after=name,
        reason=reason,
        by=by,
    )
    certificate.name, certificate.last_issued_at, certificate.revoked_at = name, change.at, None
    certificate.save(update_fields=["name", "last_issued_at", "revoked_at"])
    return change


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, by, reason: str) -> CertificateChange:
    """Revoke the certificate (staff): its public page then says so. ``reason`` is required and logged."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise CertificateRefused(_("Say why the certificate is revoked."))
    if certificate.is_revoked:
        raise CertificateRefused(_("The certificate is already revoked."))
    change = CertificateChange.objects.create(
        certificate=certificate,
        kind=CertificateChange.Kind.REVOKED,
        name_before=certificate.name,
        name_after=certificate.name,
        reason=reason,
        by=by,
    )
    certificate.revoked_at = change.at
    certificate.save(update_fields=["revoked_at"])
    return change


@transaction.atomic
def complete_lesson(user, lesson: Lesson) -> bool:
    """Mark a lesson complete; returns False when it already was (a replay changes nothing)."""
    try:
        with transaction.atomic():
            LessonCompletion.objects.create(user=user, lesson=lesson)
    except IntegrityError:
        return False
    update_progress(user, lesson.module)
    record_activity(user, lessons_completed=1)
    return True


@transaction.atomic
def undo_lesson(user, lesson: Lesson) -> bool:
    """Undo a completion; the module is completed again only if the rule still holds without it."""
    deleted, _ = LessonCompletion.objects.filter(user=user, lesson=lesson).delete()
    if deleted:
        update_progress(user, lesson.module, sticky=False)
    return bool(deleted)


def rating_for(fraction) -> Rating:
    if fraction >= 1:
        return Rating.Good
    return Rating.Hard if fraction > 0 else Rating.Again


def record_answer_for_review(user, question, fraction, when=None) -> ReviewCard | None:
    """A missed (or partly missed) question becomes a review card; a card answered again is rescheduled.

    Called in the transaction that stores the answer, under the attempt's lock: two answers to one
    question by one learner cannot run at once (a question belongs to one quiz, and a learner has
    one open attempt per quiz), so the card is created without a race."""
    card = ReviewCard.lock_for(user.pk, question.pk)
    if card is None:
        if fraction >= 1:
            return None
        card = ReviewCard(user=user, question=question, module_id=question.quiz.module_id)
    card.schedule(rating_for(fraction), when)
    card.save()
    cards_changed(user.pk, [card.module_id])
    return card


def cards_changed(user_id: int, module_ids) -> None:
    """Keep the learner's ``earliest_due`` of these modules in step with their review cards."""
    ModuleProgress.objects.filter(user_id=user_id, module_id__in=module_ids).refresh_earliest_due()


@transaction.atomic
def review(card: ReviewCard, rating: Rating, when=None) -> ReviewCard:
    card.schedule(rating, when)
    card.save()
    cards_changed(card.user_id, [card.module_id])
    record_activity(card.user, when, reviews=1)
    return card


@transaction.atomic
def rate_pending(card: ReviewCard, *, easy: bool = False, when=None) -> ReviewCard | None:
    """Reschedule a card from the answer given on the review page: wrong = Again, partly right =
    Hard, right = Good, or Easy when the learner asks for it after a right answer and Easy brings the
    card back later than Good would (ReviewCard.easy_due); otherwise Good.

    The pending answer is claimed under a row lock, so a replayed or doubled POST rates only once;
    returns None when there was nothing to rate."""
    card = ReviewCard.objects.select_for_update().get(pk=card.pk)
    if card.pending_fraction is None:
        return None
    easy = easy and card.pending_fraction >= 1 and card.easy_due(when) is not None  # offered: it changes the schedule
    rating = Rating.Easy if easy else rating_for(card.pending_fraction)
    card.pending_answer, card.pending_fraction = None, None
    return review(card, rating, when)
