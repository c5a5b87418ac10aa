"""Routes of this area (views in tasks/views/reviews.py)."""

from django.urls import path

from tasks.views import reviews

urlpatterns = [
    path("reviews/", reviews.review_queue, name="review_queue"),
    path("assignments/<int:pk>/review/", reviews.review_decide, name="review_decide"),
    path("extensions/<int:pk>/decide/", reviews.extension_decide, name="extension_decide"),
]
