"""Routes of the reports area (views in reports/views.py), included at ``reports/``."""

from django.urls import path

from reports import views

urlpatterns = [
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/issue/", views.supervision_issue, name="supervision_issue"),
    path("supervision/<int:pk>/file/", views.supervision_file, name="supervision_file"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("ranking/", views.ranking_page, name="ranking"),
    path("ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
]
