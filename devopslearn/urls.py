from django.contrib import admin
from django.urls import include, path

from devopslearn import privacy, views

handler400 = "devopslearn.lib.errors.bad_request"
handler403 = "devopslearn.lib.errors.permission_denied"
handler404 = "devopslearn.lib.errors.page_not_found"
handler500 = "devopslearn.lib.errors.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/me/export/", privacy.export, name="privacy-export"),
    path("accounts/me/delete/", privacy.delete, name="privacy-delete"),
    path("cohorts/", include("cohorts.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("labs/", include("labs.urls")),
    path("", include("progress.urls")),
    path("", include("courses.urls")),
]
