"""The key pages of a learner and a lead, rendered in Vietnamese: lang="vi", the interface's words
in Vietnamese, and none of the English ones they replace."""

import pytest
from django.urls import reverse

from quizzes.attempts import start_attempt
from quizzes.models import Quiz
from tests.cohorts.conftest import make_cohort
from tests.factories import make_path


@pytest.fixture
def path(db):
    return make_path(modules=2, lessons=2, slug="trang")


@pytest.fixture
def vi_learner(client, learner):
    learner.language = "vi"
    learner.save()
    client.force_login(learner)
    return learner


def pages(path, learner):
    module = path.modules.get(order=1)
    lesson = module.lessons.get(order=1)
    quiz = Quiz.objects.get(module=module)
    attempt = start_attempt(learner, quiz)
    return {
        "/": ("Lộ trình học", "Learning path"),
        module.get_absolute_url(): ("Làm bài kiểm tra", "Take the quiz"),
        lesson.get_absolute_url(): ("Đánh dấu hoàn thành", "Mark as complete"),
        reverse("quizzes:quiz", args=[quiz.pk]): ("Về bài kiểm tra này", "About this quiz"),
        reverse("quizzes:question", args=[attempt.public_id, 1]): ("Kiểm tra câu trả lời", "Check my answer"),
        reverse("progress:mine"): ("Tiến độ theo học phần", "Progress by module"),
        reverse("progress:review"): ("Hiện không có gì để ôn tập", "Nothing to review right now"),
        reverse("accounts:account"): ("Tài khoản của bạn", "Your account"),
        reverse("courses:search") + "?q=pipelines": ("Tìm bài học", "Search lessons"),
        reverse("cohorts:join"): ("Tham gia lớp học", "Join a cohort"),
    }


def test_a_vietnamese_learners_pages_are_in_vietnamese(client, vi_learner, path):
    for url, (vietnamese, english) in pages(path, vi_learner).items():
        page = client.get(url).text
        assert '<html lang="vi">' in page, url
        assert vietnamese in page and english not in page, url
        assert "Tiến độ của tôi" in page and "My progress" not in page, url  # the header too


def test_a_vietnamese_lead_reads_the_dashboard_in_vietnamese(client, lead, learner, path):
    make_cohort(path, slug="lop-1", name="Lớp 1", leads=[lead], members=[learner])
    lead.language = "vi"
    lead.save()
    client.force_login(lead)
    page = client.get(reverse("cohorts:overview", args=["lop-1"])).text
    assert '<html lang="vi">' in page and "Học viên theo học phần" in page and "Learners by module" not in page
    for tab in ("Tổng quan", "Cần chú ý", "Hoạt động", "Danh sách thành viên và lời mời", "Xuất CSV"):
        assert tab in page
