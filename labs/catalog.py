"""The published labs of each module as each worker keeps them in memory, keyed on the content marker
(see courses.catalog): a lab is content, so the module page reads its labs from here and only the
learner's standing from the database (one narrow query, none for a module without labs)."""

import copy

from courses import catalog
from courses.models import Module
from labs.models import Lab

# What a list of labs shows (labs/_lab_list.html): not the artifacts or the instructions.
LISTED_FIELDS = ("id", "module_id", "slug", "title", "order", "kind", "required")


def module_labs(module: Module, marker: str) -> list[Lab]:
    """The module's published labs in order, as copies whose ``module`` is ``module`` (their URLs need
    its slugs and its path's: no query)."""
    labs = catalog.cached(
        ("labs", module.pk),
        marker,
        lambda: list(Lab.objects.published().filter(module_id=module.pk).order_by("order", "id").only(*LISTED_FIELDS)),
    )
    copies = [copy.copy(lab) for lab in labs]
    for lab in copies:
        lab.module = module
    return copies
