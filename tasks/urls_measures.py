"""Routes of this area (views in tasks/views/measures.py and tasks/views/notices.py)."""

from django.urls import path

from tasks.views import measures, notices

urlpatterns: list = [
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("measures/", measures.measure_list, name="measure_list"),
    path("measures/bulk/", measures.measure_bulk, name="measure_bulk"),
]
