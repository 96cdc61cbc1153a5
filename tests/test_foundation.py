"""The project's frame: deployment checks, security headers, /healthz, error pages, demo data."""

import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from accounts.models import User
from cohorts.models import Cohort


def run_manage(*args, unset=(), **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "devopslearn.settings", **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in tests only
    for name in unset:
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 20 + "r0duct10n-s3cret-k3y-th4t-is-l0ng-en0ugh-and-r4nd0m",
    "ALLOWED_HOSTS": "learn.example.com",
    "SECURE_HTTPS": "1",
}


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_https_settings():
    env = {**PRODUCTION, "SECURE_HTTPS": "0"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {"DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_manage_py_in_an_unconfigured_checkout_runs_with_development_settings():
    result = run_manage("makemigrations", "--check", "--dry-run", unset=("DEBUG", "SECRET_KEY"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_scripts_are_served_by_the_app_and_htmx_carries_the_csp_nonce(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts, "the page loads htmx and the app script"
    assert all(re.search(r'src="/static/', tag) for tag in scripts)
    htmx = [tag for tag in scripts if "htmx-2" in tag]
    assert htmx and f'nonce="{nonce}"' in htmx[0]
    assert not re.search(r"<script(?![^>]*src=)", html), "no inline script"
    assert "<style" not in html and 'style="' not in html


@pytest.mark.django_db
def test_csrf_token_is_on_the_body_for_htmx(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in html


@pytest.mark.django_db
def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_503_when_the_database_is_unreachable(client):
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/for-sure/db.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert client.get("/healthz").status_code == 200  # and it recovers by itself


@pytest.mark.django_db
def test_not_found_page_is_styled_and_needs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "This page doesn’t exist" in response.content.decode()


def test_error_pages_render_without_a_database():
    from django.template.loader import render_to_string

    for code in (400, 403, 404, 500, 503):
        html = render_to_string(f"{code}.html")
        assert str(code) in html and "<main" in html


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_the_roles(curriculum):
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
        counts = (User.objects.count(), Cohort.objects.count())
        call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Cohort.objects.count()) == counts
    learner, instructor, lead = (User.objects.get(username=name) for name in ("learner", "instructor", "lead"))
    assert learner.check_password("devops-demo")
    assert instructor.is_staff and not instructor.is_superuser
    assert instructor.has_perm("courses.change_lesson") and instructor.has_perm("quizzes.add_question")
    assert not instructor.has_perm("accounts.change_user")
    assert not lead.is_staff
    demo = Cohort.objects.get(slug="demo-cohort")
    assert lead in demo.leads.all() and learner in demo.members.all()


@pytest.mark.django_db
def test_seed_demo_refuses_without_force_when_debug_is_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.filter(username="learner").exists()
