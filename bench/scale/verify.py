"""Check the scale demo's database against the load test's own log; exit 1 on any discrepancy.

Run by bin/scale-demo after the load, with DJANGO_SETTINGS_MODULE and DATABASE_URL set:
``python bench/scale/verify.py PLAN.json ACTIONS.jsonl``. It prints one line per check and a JSON
summary (kept in the run's folder).

- every acknowledged answer is stored exactly once (the response to that attempt's question at that
  position), and every stored answer of the active learners is counted once in their activity days;
- every acknowledged lesson completion is stored exactly once and counted once in the activity days;
- every acknowledged lab submission is graded (a killed worker's submission was retried);
- each figure the dashboards read (ModuleProgress of every cohort member) equals a recomputation from
  the raw rows (progress.rebuild, in a transaction rolled back), and every CSV export had a row per member.
"""

import json
import sys
from collections import Counter
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402

from accounts.models import User  # noqa: E402
from cohorts.models import Membership  # noqa: E402
from labs.models import Submission, SubmissionState  # noqa: E402
from progress.models import DailyActivity, LessonCompletion  # noqa: E402
from progress.rebuild import rebuild  # noqa: E402
from quizzes.models import Attempt, Response  # noqa: E402


class Rollback(Exception):
    pass


def main(plan_path: str, log_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text())
    actions = [json.loads(line) for line in Path(log_path).read_text().splitlines() if line.strip()]
    by_kind = Counter(action["kind"] for action in actions)
    users = {user.username: user.pk for user in User.objects.filter(username__in=plan["learners"])}
    problems: list[str] = []
    summary: dict[str, object] = {"acknowledged": dict(by_kind)}

    # Answers: each acknowledged (attempt, position) has exactly one stored response.
    acked = [(a["attempt"], a["position"]) for a in actions if a["kind"] == "answer"]
    twice = [key for key, n in Counter(acked).items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} answers acknowledged twice: {twice[:3]}")
    attempts = {str(a.public_id): a for a in Attempt.objects.filter(public_id__in={pid for pid, _ in acked})}
    missing = stored_twice = 0
    for public_id, position in set(acked):
        attempt = attempts.get(public_id)
        if attempt is None:
            missing += 1
            continue
        stored = Response.objects.filter(attempt=attempt, question_id=attempt.question_order[position - 1]).count()
        missing += stored == 0
        stored_twice += stored > 1
    if missing or stored_twice:
        problems.append(f"answers: {missing} acknowledged but not stored, {stored_twice} stored more than once")
    stored_answers = Response.objects.filter(attempt__user_id__in=users.values()).count()
    counted_answers = (
        DailyActivity.objects.filter(user_id__in=users.values()).aggregate(n=Sum("questions_answered"))["n"] or 0
    )
    if counted_answers != stored_answers:
        problems.append(f"answers: {stored_answers} stored but {counted_answers} counted in activity days")
    summary["answers"] = {"acknowledged": len(set(acked)), "stored": stored_answers, "counted": counted_answers}

    # Lesson completions: stored once each, counted once each.
    completions = {(a["user"], a["lesson"]) for a in actions if a["kind"] == "completion"}
    absent = [
        key
        for key in completions
        if LessonCompletion.objects.filter(user_id=users.get(key[0]), lesson_id=key[1]).count() != 1
    ]
    if absent:
        problems.append(f"completions: {len(absent)} acknowledged but not stored once: {absent[:3]}")
    stored_completions = LessonCompletion.objects.filter(user_id__in=users.values()).count()
    counted_completions = (
        DailyActivity.objects.filter(user_id__in=users.values()).aggregate(n=Sum("lessons_completed"))["n"] or 0
    )
    if counted_completions != stored_completions:
        problems.append(f"completions: {stored_completions} stored but {counted_completions} counted")
    summary["completions"] = {
        "acknowledged": len(completions),
        "stored": stored_completions,
        "counted": counted_completions,
    }

    # Lab submissions: every acknowledged one graded (retried if its worker died).
    submitted = {a["submission"] for a in actions if a["kind"] == "submission"}
    states = Counter(Submission.objects.filter(public_id__in=submitted).values_list("state", flat=True))
    retried = Submission.objects.filter(public_id__in=submitted, tries__gt=1).count()
    found = sum(states.values())
    if found != len(submitted):
        problems.append(f"labs: {len(submitted) - found} acknowledged submissions not stored")
    if states.get(SubmissionState.GRADED, 0) != found:
        problems.append(f"labs: not all graded: {dict(states)}")
    verdicts = sorted(a["seconds"] for a in actions if a["kind"] == "verdict")
    summary["labs"] = {
        "acknowledged": len(submitted),
        "states": dict(states),
        "retried": retried,
        "verdicts_seen": len(verdicts),
        "verdict_p50_s": round(verdicts[len(verdicts) // 2], 2) if verdicts else None,
        "verdict_p95_s": round(verdicts[int(len(verdicts) * 0.95)], 2) if verdicts else None,
    }

    # Dashboards: the rows they read equal a recomputation from the raw rows.
    members = list(Membership.objects.filter(cohort__slug=plan["cohort"]).values_list("user_id", flat=True))
    try:
        with transaction.atomic():
            counts = rebuild(user_ids=members)
            raise Rollback
    except Rollback:
        pass
    changed = {k: v for k, v in counts.items() if k != "unchanged" and v}
    if changed:
        problems.append(f"dashboard: progress rows differ from a recomputation: {changed}")
    exports = [a["rows"] for a in actions if a["kind"] == "export"]
    wrong_exports = [rows for rows in exports if rows != len(members)]
    if wrong_exports:
        problems.append(f"dashboard: {len(wrong_exports)} CSV exports without one row per member ({len(members)})")
    summary["dashboard"] = {"members": len(members), "rebuild": counts, "exports": len(exports)}

    summary["problems"] = problems
    for line in problems or ["every check passed"]:
        print(("FAIL " if problems else "OK   ") + line)
    print(json.dumps(summary, default=str))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
