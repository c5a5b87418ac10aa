from django.urls import path

from importers import views

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("<int:pk>/", views.import_preview, name="import_preview"),
]
