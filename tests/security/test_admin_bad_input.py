"""Every admin form rejects bad input with a form error, never a 500 (issue 20.5: a non-numeric
user id typed into the membership or extra-attempt user field gave a 500)."""

import re

from django.contrib import admin
from django.urls import reverse

from tests.security import test_access_matrix

world = test_access_matrix.world  # the access matrix's fixture: real objects of every kind

FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>', re.S)
KEEP = re.compile(r"(TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS|csrfmiddlewaretoken|_save|_continue)$")
BAD_VALUES = ["abc", "99999999999999999999999", "1.5\x00"]  # not a number, beyond 64 bits, a NUL


def admin_pages(world):
    """(name, add or change URL) of every model registered in the admin that has such a page."""
    for model in admin.site._registry:
        opts = model._meta
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            yield (
                f"{opts.label} change",
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]),
            )
        yield f"{opts.label} add", reverse(f"admin:{opts.app_label}_{opts.model_name}_add")


def test_the_example_a_typed_user_id_that_is_not_a_number_is_a_form_error(client, world, superuser):
    client.force_login(superuser)
    cohort = world["cohort"]
    page = client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk])).content.decode()
    data = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page))
    data.update({"name": cohort.name, "slug": cohort.slug, "path": cohort.path_id, "memberships-0-user": "abc"})
    data["memberships-TOTAL_FORMS"] = str(max(1, int(data.get("memberships-TOTAL_FORMS", "0"))))
    response = client.post(reverse("admin:cohorts_cohort_change", args=[cohort.pk]), data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(
        reverse("admin:quizzes_attemptallowance_add"), {"quiz": world["quiz"].pk, "user": "abc", "extra_attempts": 1}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_every_admin_form_answers_bad_input_with_a_form_error(client, world, superuser):
    client.force_login(superuser)
    client.raise_request_exception = False
    failures, posted = [], 0
    for name, url in admin_pages(world):
        page = client.get(url)
        if page.status_code != 200:
            continue
        html = page.content.decode()
        fields = set(FIELD.findall(html))
        for bad in BAD_VALUES:
            data = {}
            for field in fields:
                value = re.search(rf'name="{re.escape(field)}"[^>]*value="([^"]*)"', html)
                data[field] = value.group(1) if KEEP.search(field) and value else bad
            response = client.post(url, data)
            posted += 1
            if response.status_code >= 500:
                failures.append(f"{name} with {bad!r}: {response.status_code}")
    assert posted > 30 and failures == [], "\n".join(failures)


def test_every_admin_with_autocomplete_or_many_to_many_fields_uses_the_safe_fields():
    from devopslearn.lib.admin import SafeIdFieldsMixin

    missing = []
    for model, model_admin in admin.site._registry.items():
        for holder, holder_model in [(type(model_admin), model), *((i, i.model) for i in model_admin.inlines)]:
            many = any(
                f.many_to_many and bool(f.remote_field.through._meta.auto_created)  # a plain many-to-many
                for f in holder_model._meta.get_fields()
                if f.concrete
            )
            if (getattr(holder, "autocomplete_fields", ()) or many) and not issubclass(holder, SafeIdFieldsMixin):
                missing.append(holder.__name__)
    assert missing == []
