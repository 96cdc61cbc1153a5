"""The ceiling every benchmark figure is a ratio of: a bare Django hello-world.

Not the app's settings: the project ``django-admin startproject`` makes (its INSTALLED_APPS and its
default middleware, in its order), DEBUG off, one view that returns "Hello, world". The app's own
middleware (request log, size limit, whitenoise, locale, CSP, axes, ...) is part of each page's cost,
so it is left out here on purpose. Served by bench/run.py and bench/sizes.py with the same gunicorn
configuration and worker count as the app: ``gunicorn --pythonpath bench hello_world:application``.
"""

import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(48),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
    ],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
    STATIC_URL="static/",
    USE_TZ=True,
)


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), path("healthz", hello)]
application = get_wsgi_application()
