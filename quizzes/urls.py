from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("<int:quiz_id>/", views.quiz_page, name="quiz"),
    path("<int:quiz_id>/start/", views.start, name="start"),
    path("attempts/<uuid:public_id>/q/<int:position>/", views.question_page, name="question"),
    path("attempts/<uuid:public_id>/finish/", views.finish, name="finish"),
    path("attempts/<uuid:public_id>/", views.result, name="result"),
    path("questions/<int:question_id>/preview/", views.preview, name="preview"),
]
