from django.urls import path

from units import views

urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("new/", views.account_create, name="account_create"),
    path("<int:pk>/reset/", views.account_reset, name="account_reset"),
    path("<int:pk>/toggle/", views.account_toggle, name="account_toggle"),
]
