"""The project's URLs without the cohorts app's: the account menu's "Join a cohort" cannot be reversed."""

from devopslearn.urls import urlpatterns as project

urlpatterns = [p for p in project if "cohorts" not in str(getattr(p, "pattern", ""))]
