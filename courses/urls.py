from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("paths/<slug:path_slug>/", views.path_page, name="path"),
    path("paths/<slug:path_slug>/<slug:module_slug>/", views.module_page, name="module"),
    path("paths/<slug:path_slug>/<slug:module_slug>/<slug:lesson_slug>/", views.lesson_page, name="lesson"),
]
