"""The courses admin as the instructor uses it: markdown in a textarea, the rendering read-only,
prerequisites checked in plain words, and edits that load_content then leaves alone."""

import pytest

from courses.importers import load_content
from courses.models import Lesson, Module
from tests.conftest import CONTENT
from tests.courses.conftest import elements, form_fields
from tests.factories import make_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


def change_url(obj) -> str:
    return f"/admin/courses/{obj._meta.model_name}/{obj.pk}/change/"


def module(curriculum, slug: str) -> Module:
    return Module.objects.get(path=curriculum, slug=slug)


def post_module(client, obj: Module, **changes):
    """Submit the module's change form as the browser would, with ``changes`` applied."""
    data = form_fields(client.get(change_url(obj)).content.decode(), "module_form")
    data.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    return client.post(change_url(obj), data)


def test_instructors_open_the_module_and_lesson_lists(instructor_client, curriculum):
    assert instructor_client.get("/admin/courses/module/").status_code == 200
    assert instructor_client.get("/admin/courses/lesson/").status_code == 200
    assert instructor_client.get(change_url(module(curriculum, "cicd-on-aws"))).status_code == 200


def test_learners_cannot_open_the_admin(learner_client, curriculum):
    response = learner_client.get("/admin/courses/lesson/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_lesson_source_is_a_textarea_and_the_rendering_is_read_only(instructor_client, curriculum):
    lesson = Lesson.objects.get(module__path=curriculum, slug="what-devops-is")

    html = instructor_client.get(change_url(lesson)).content.decode()

    textareas = {t.get("name") for t in elements(html).find("textarea")}
    assert {"body_md_en", "body_md_vi", "takeaways_vi"} <= textareas  # the Vietnamese text beside the English
    fields = form_fields(html, "lesson_form")
    assert not {"body_html_en", "body_html_vi", "body_text_en", "search_text_vi"} & set(fields)
    assert "key" not in fields, "the key that ties the lesson to its file is read-only"
    assert '<h2 id="section-the-problem-devops-set-out-to-fix">' in html  # the read-only preview
    assert "Open the lesson as learners see it" in html


def test_an_instructor_edits_a_lesson_and_load_content_then_keeps_the_edit(instructor_client, curriculum):
    lesson = Lesson.objects.get(module__path=curriculum, slug="what-devops-is")
    data = form_fields(instructor_client.get(change_url(lesson)).content.decode(), "lesson_form")
    data["body_md_en"] = [
        data["body_md_en"][0].replace("\n", "\r\n") + "\r\n\r\n## An instructor's note\r\n\r\nMind the gap."
    ]

    response = instructor_client.post(change_url(lesson), data)

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert '<h2 id="section-an-instructors-note">An instructor\'s note</h2>' in lesson.body_html
    assert lesson.edited_since_import
    report = load_content(CONTENT)
    assert report.skipped == [
        "lesson 'devops-mindset/devops-culture' (01-devops-mindset/01-what-devops-is.md): edited in the admin"
    ]
    lesson.refresh_from_db()
    assert lesson.body_md.endswith("Mind the gap.")


def test_saving_a_lesson_unchanged_through_the_admin_is_not_an_edit(instructor_client, curriculum):
    lesson = Lesson.objects.get(module__path=curriculum, slug="what-devops-is")
    data = form_fields(instructor_client.get(change_url(lesson)).content.decode(), "lesson_form")
    data["body_md_en"] = [data["body_md_en"][0].replace("\n", "\r\n")]  # what a browser's textarea sends

    assert instructor_client.post(change_url(lesson), data).status_code == 302

    lesson.refresh_from_db()
    assert not lesson.edited_since_import


def test_an_instructor_writes_the_vietnamese_text_and_load_content_then_keeps_it(instructor_client, curriculum):
    lesson = Lesson.objects.get(module__path=curriculum, slug="what-devops-is")
    data = form_fields(instructor_client.get(change_url(lesson)).content.decode(), "lesson_form")
    data["title_vi"], data["body_md_vi"] = ["DevOps là gì"], ["## Vấn đề\r\n\r\nMột đoạn **dịch**."]

    assert instructor_client.post(change_url(lesson), data).status_code == 302

    lesson.refresh_from_db()
    assert (lesson.title_vi, lesson.body_html_vi) == (
        "DevOps là gì",
        '<h2 id="section-van-e">Vấn đề</h2>\n<p>Một đoạn <strong>dịch</strong>.</p>',
    )
    assert lesson.title_en == "What DevOps is: culture before tools"  # the English stays
    report = load_content(CONTENT)
    assert any("devops-mindset/devops-culture" in line for line in report.skipped)


def test_an_instructor_changes_a_modules_prerequisites(instructor_client, curriculum):
    observability = module(curriculum, "observability")
    wanted = [str(module(curriculum, slug).pk) for slug in ("containers-on-aws", "infrastructure-as-code")]

    response = post_module(instructor_client, observability, prerequisites=wanted)

    assert response.status_code == 302
    assert sorted(observability.prerequisites.values_list("slug", flat=True)) == [
        "containers-on-aws",
        "infrastructure-as-code",
    ]


def test_a_prerequisite_cycle_is_refused_in_plain_words(instructor_client, curriculum):
    mindset = module(curriculum, "devops-mindset")

    response = post_module(instructor_client, mindset, prerequisites=[str(module(curriculum, "observability").pk)])

    assert response.status_code == 200
    html = response.content.decode()
    assert "These prerequisites would make a cycle: " in html
    assert "DevOps mindset and metrics" in html and "Monitoring and observability" in html
    assert not mindset.prerequisites.exists()


def test_a_module_cannot_require_itself(instructor_client, curriculum):
    mindset = module(curriculum, "devops-mindset")

    response = post_module(instructor_client, mindset, prerequisites=[str(mindset.pk)])

    assert "A module cannot be its own prerequisite." in response.content.decode()
    assert not mindset.prerequisites.exists()


def test_a_prerequisite_from_another_path_is_refused_in_plain_words(instructor_client, curriculum):
    other = make_path(modules=1, lessons=1, with_quiz=False, slug="other").modules.get()
    cicd = module(curriculum, "cicd-on-aws")

    response = post_module(instructor_client, cicd, prerequisites=[str(other.pk)])

    assert response.status_code == 200
    assert "“Module 1” belongs to another learning path." in response.content.decode()
    assert list(cicd.prerequisites.values_list("slug", flat=True)) == ["devops-mindset"]
