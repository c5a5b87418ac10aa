"""Routes of this area (views in tasks/views/liaison.py)."""

from django.urls import path

from tasks.views import liaison

urlpatterns = [
    path("mine/", liaison.my_tasks, name="my_tasks"),
    path("assignments/<int:pk>/", liaison.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/report/", liaison.report_create, name="report_create"),
    path("assignments/<int:pk>/extension/", liaison.extension_create, name="extension_create"),
    path("evidence/<int:pk>/", liaison.evidence_download, name="evidence_download"),
]
