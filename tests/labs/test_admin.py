"""Labs in the admin: editable with their checks, validated in plain words, and a preview that grades
the starter and the reference solution like a learner's file."""

from django.urls import reverse

from labs.models import Submission
from tests.labs.conftest import make_lab


def test_an_instructor_previews_the_starter_and_the_solution(client, instructor, module):
    lab = make_lab(module)
    client.force_login(instructor)
    change = client.get(reverse("admin:labs_lab_change", args=[lab.pk])).content.decode()
    preview_url = reverse("admin:labs_lab_preview", args=[lab.pk])
    assert preview_url in change
    response = client.post(preview_url)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    # each check's verdict, for the starter and the solution; and the starter's verdict names it (a required
    # check that fails)
    assert page.count("Check tag") == 3
    previews = Submission.objects.filter(lab=lab, preview=True)
    assert {s.status for s in previews} == {"pass", "fail"}
    assert {s.artifact for s in previews} == {lab.starter, lab.solution}


def test_previews_are_not_learner_submissions(client, instructor, module):
    lab = make_lab(module)
    client.force_login(instructor)
    client.post(reverse("admin:labs_lab_preview", args=[lab.pk]))
    assert not Submission.objects.of_learners().exists()
    assert client.get(lab.get_absolute_url()).content.decode().count("Open this version") == 0


def test_a_check_that_does_not_fit_the_lab_is_refused_in_plain_words(client, superuser, module):
    lab = make_lab(module)
    client.force_login(superuser)
    url = reverse("admin:labs_lab_change", args=[lab.pk])
    checks = list(lab.checks.order_by("order"))
    data = {
        "module": module.pk,
        "key": lab.key,
        "slug": lab.slug,
        "title_en": lab.title,
        "kind": lab.kind,
        "order": 0,
        "required": "on",
        "pass_mark": 100,
        "published": "on",
        "instructions_md_en": lab.instructions_md,
        "starter": lab.starter,
        "solution": lab.solution,
        "checks-TOTAL_FORMS": len(checks),
        "checks-INITIAL_FORMS": len(checks),
        "checks-MIN_NUM_FORMS": 0,
        "checks-MAX_NUM_FORMS": 1000,
    }
    for index, check in enumerate(checks):
        data.update(
            {
                f"checks-{index}-id": check.pk,
                f"checks-{index}-lab": lab.pk,
                f"checks-{index}-order": check.order,
                f"checks-{index}-key": check.key,
                f"checks-{index}-title_en": check.title,
                f"checks-{index}-tool": check.tool,
                f"checks-{index}-rules": check.rules,
                f"checks-{index}-points": check.points,
                f"checks-{index}-required": "on",
                f"checks-{index}-explanation_md_en": check.explanation_md,
            }
        )
    data["checks-0-tool"] = "cfn-lint"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A Dockerfile cannot be checked with cfn-lint" in response.content.decode()
    data["checks-0-tool"] = "hadolint"
    data["starter"] = "FROM x:1\n" + "# pad\n" * 4000
    response = client.post(url, data)
    assert "the limit for this lab is 16 KB" in response.content.decode()
    data["starter"] = lab.starter
    assert client.post(url, data).status_code == 302
