"""{% module_labs module %}: the labs of a module with the learner's standing, for the module page
(a courses template asks the labs app, which sits above courses)."""

from django import template

from labs.models import Lab

register = template.Library()


@register.inclusion_tag("labs/_module_labs.html", takes_context=True)
def module_labs(context, module) -> dict:
    labs = Lab.objects.published().filter(module=module).select_related("module__path")
    user = context["request"].user
    if user.is_authenticated:
        labs = labs.with_standing(user)
    return {"labs": list(labs)}
