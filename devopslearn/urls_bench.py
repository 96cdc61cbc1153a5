"""The app's URLs plus /bench/hello: the ceiling that benchmark figures are ratios of."""

from django.http import HttpResponse
from django.urls import path

from devopslearn.urls import *  # noqa: F403
from devopslearn.urls import urlpatterns as app_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *app_urlpatterns]
