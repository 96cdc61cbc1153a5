from django.urls import path

from cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("join/", views.join, name="join"),
    path("<slug:slug>/", views.overview_page, name="overview"),
    path("<slug:slug>/attention/", views.attention, name="attention"),
    path("<slug:slug>/questions/", views.questions, name="questions"),
    path("<slug:slug>/questions/<int:question_id>/", views.question_detail, name="question"),
    path("<slug:slug>/activity/", views.activity, name="activity"),
    path("<slug:slug>/export.csv", views.export_csv, name="export"),
    path("<slug:slug>/members/<int:user_id>/", views.member, name="member"),
    path("<slug:slug>/members/<int:user_id>/remove/", views.remove_member, name="remove"),
    path("<slug:slug>/members/<int:user_id>/extra/", views.grant_extra, name="grant"),
    path("<slug:slug>/roster/", views.roster, name="roster"),
    path("<slug:slug>/roster/rotate-code/", views.rotate_code, name="rotate"),
    path("<slug:slug>/roster/invitations/", views.toggle_invites, name="invitations"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
]
