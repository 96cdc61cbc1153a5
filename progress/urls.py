from django.urls import path

from progress import views

app_name = "progress"

# Included at the site's root: a lesson's completion is addressed under the lesson it completes.
lesson = "paths/<slug:path_slug>/<slug:module_slug>/<slug:lesson_slug>"

urlpatterns = [
    path("progress/", views.mine, name="mine"),
    path("progress/review/", views.review, name="review"),
    path("progress/review/<int:card_id>/", views.review_card, name="review_card"),
    path("progress/review/<int:card_id>/answer/", views.review_answer, name="review_answer"),
    path("progress/review/<int:card_id>/rate/", views.review_rate, name="review_rate"),
    path("progress/practice/attempts/<uuid:public_id>/<int:position>/", views.practice_missed, name="practice_missed"),
    path("progress/practice/upcoming/<int:position>/", views.practice_upcoming, name="practice_upcoming"),
    path("progress/certificates/<str:code>/", views.certificate, name="certificate"),
    path("progress/certificates/<str:code>/reissue/", views.reissue_certificate, name="reissue_certificate"),
    path("progress/certificates/<str:code>/share/", views.share_certificate, name="share_certificate"),
    path(f"{lesson}/complete/", views.complete_lesson, name="complete"),
    path(f"{lesson}/undo/", views.undo_lesson, name="undo"),
]
