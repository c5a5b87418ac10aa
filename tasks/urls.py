"""URLs of the product's pages. Each area has its own module of views and of routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("tasks.urls_workbench")),
    path("", include("tasks.urls_measures")),
    path("", include("tasks.urls_liaison")),
    path("", include("tasks.urls_reviews")),
    path("imports/", include("importers.urls")),
]
