"""The lead's CSV in the lead's language: the readable file writes module states as their labels;
``?headers=slugs`` keeps the state codes whatever the language; decimals keep their point in both
(a decimal comma would be a separator, marked as text: cohorts/export.py says why)."""

import csv
import io

import pytest
from django.urls import reverse

from cohorts.models import Cohort, Membership
from tests.quizzes.test_figures_agree import _quiz_of_the_example, _take_the_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(client, lead, learner):
    """The export of a cohort whose one learner scored 69.6 % on the module's quiz (not passed: the
    module is in progress), fetched as the lead in ``language``."""
    quiz = _quiz_of_the_example()
    _take_the_example(learner, quiz)
    cohort = Cohort.objects.create(name="Xuất", slug="xuat", path=quiz.module.path)
    cohort.leads.add(lead)
    Membership.objects.create(cohort=cohort, user=learner)

    def fetch(language: str, **params) -> list[dict]:
        lead.language = language
        lead.save(update_fields=["language"])
        client.force_login(lead)
        response = client.get(reverse("cohorts:export", args=[cohort.slug]), params)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    return fetch


def test_the_vietnamese_readable_file_writes_states_as_labels_and_decimals_with_a_point(export):
    header, row = export("vi")
    cells = dict(zip(header, row, strict=True))
    assert cells["Điểm kiểm tra trung bình (%)"] == "69.6"
    state = next(value for name, value in cells.items() if name.endswith(": trạng thái"))
    score = next(value for name, value in cells.items() if name.endswith(": điểm cao nhất (%)"))
    assert (state, score) == ("Đang học", "69.6")
    assert not any("," in value or value.startswith("'") for value in row[3:])  # numbers stay numbers


def test_the_english_readable_file_writes_states_as_labels(export):
    header, row = export("en")
    cells = dict(zip(header, row, strict=True))
    assert cells["Quiz average (%)"] == "69.6"
    assert [value for name, value in cells.items() if name.endswith(": state")] == ["In progress"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_slugs_file_keeps_state_codes_and_decimal_points_in_every_language(export, language):
    header, row = export(language, headers="slugs")
    cells = dict(zip(header, row, strict=True))
    assert cells["quiz_average"] == "69.6"
    assert cells["m1_state"] == "in_progress" and cells["m1_best_score"] == "69.6"
