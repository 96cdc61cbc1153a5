from django.urls import path

from progress import views

app_name = "progress"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("review/", views.review, name="review"),
    path("review/<int:card_id>/", views.review_card, name="review_card"),
    path("review/<int:card_id>/answer/", views.review_answer, name="review_answer"),
    path("review/<int:card_id>/rate/", views.review_rate, name="review_rate"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
]
