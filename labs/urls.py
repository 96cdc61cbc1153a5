from django.urls import path

from labs import views

app_name = "labs"

urlpatterns = [
    path("", views.index, name="index"),
    path("submissions/<uuid:public_id>/", views.submission, name="submission"),
    path("<slug:path_slug>/<slug:module_slug>/<slug:lab_slug>/", views.lab_page, name="lab"),
    path("<slug:path_slug>/<slug:module_slug>/<slug:lab_slug>/check/", views.check, name="check"),
]
