"""Routes of this area (views in tasks/views/workbench.py)."""

from django.urls import path

from tasks.views import workbench

urlpatterns = [
    path("", workbench.home, name="home"),
    path("workbench/", workbench.workbench, name="workbench"),
    path("units/", workbench.unit_list, name="unit_list"),
    path("units/<int:pk>/", workbench.unit_detail, name="unit_detail"),
]
