"""{% module_labs module marker %}: the labs of a module with the learner's standing, for the module
page (a courses template asks the labs app, which sits above courses). The labs come from the
worker's catalog (labs.catalog); the standing is one narrow query, none for a module without labs."""

from django import template

from labs import catalog, messages, results
from labs.models import Submission

register = template.Library()


@register.inclusion_tag("labs/_module_labs.html", takes_context=True)
def module_labs(context, module, marker: str) -> dict:
    labs = catalog.module_labs(module, marker)
    user = context["request"].user
    standing = Submission.objects.standing(user, [lab.pk for lab in labs]) if labs and user.is_authenticated else {}
    for lab in labs:  # as LabQuerySet.with_standing annotates them
        lab.tried = lab.pk in standing
        lab.passed = standing.get(lab.pk, False)
    return {"labs": labs}


@register.filter
def result_summary(result: dict) -> str:
    """``{{ result|result_summary }}``: a graded result's summary sentence in the page's language
    (labs.results.summary_message), whatever the language it was graded in."""
    return results.summary_message(result)


@register.filter
def falls_short(result: dict) -> dict:
    """``{{ result|falls_short }}``: the required checks that fail and whether the points are under the
    pass mark (labs.results.falls_short, the one rule of "passed")."""
    return results.falls_short(result)


@register.filter
def tools_in_their_words(result: dict) -> list[str]:
    """``{{ result|tools_in_their_words }}``: the tools whose own messages a graded result shows (a
    failed check's findings, the findings no check grades), in order, each once; our rules are not one."""
    tools = [check["tool"] for check in result.get("checks", []) if check.get("findings")]
    tools += [finding.get("tool", "") for finding in result.get("other_findings", [])]
    return [tool for tool in dict.fromkeys(tools) if tool and tool != "devopslearn"]


@register.filter
def shortfall(submission: Submission) -> str:
    """``{{ item|shortfall }}``: why a failed check of the history did not pass, "points" or "required",
    by labs.results.falls_short from the figures the history loads (its score, maximum and pass mark,
    not its checks): a failed result that is not under the pass mark fails on a required check."""
    pass_mark = getattr(submission, "pass_mark", None)  # annotated by the history (labs.views._history)
    if pass_mark is None:
        pass_mark = submission.result.get("pass_mark", 0)
    figures = {"score": submission.score, "max_score": submission.max_score, "pass_mark": pass_mark}
    return "points" if results.falls_short(figures)["below_mark"] else "required"


@register.filter
def written(item: dict) -> str:
    """``{{ finding|written }}``, ``{{ result|written }}``: its message in the page's language where the
    message is ours, as the tool wrote it otherwise (labs.messages.written)."""
    return messages.written(item)
