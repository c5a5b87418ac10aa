"""Routes of the 台账 export and the reminders (催办) pages, mounted at ``ledger/``."""

from django.urls import path

from reports import views_ledger, views_reminders

urlpatterns = [
    path("", views_ledger.ledger_export, name="ledger_export"),
    path("xlsx/", views_ledger.ledger_xlsx, name="ledger_xlsx"),
    path("reminders/", views_reminders.reminder_list, name="reminder_list"),
]
