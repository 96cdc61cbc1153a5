"""{% module_status module as status %}: the signed-in learner's standing in a module, for pages of a
lower app that show it (the labs pages say when a lab's module is locked and what opens it, as the
lesson pages do). The labs app sits below progress and imports nothing of it; its templates ask here,
as the module page's template asks the labs app for its labs ({% module_labs %})."""

from django import template

from courses import catalog
from progress.states import ModuleStatus, learner_statuses

register = template.Library()


@register.simple_tag(takes_context=True)
def module_status(context, module) -> ModuleStatus | None:
    """The learner's ModuleStatus in ``module`` (None for a visitor): the statuses of its path are
    computed once per page, however many modules the page shows."""
    user = context["request"].user
    if not user.is_authenticated:
        return None
    known = context.render_context.setdefault("module_statuses", {})
    if module.path_id not in known:
        statuses = learner_statuses(module.path, user, catalog.current_marker())
        known[module.path_id] = {status.module.pk: status for status in statuses}
    return known[module.path_id].get(module.pk)
