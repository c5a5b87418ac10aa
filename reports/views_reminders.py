"""提醒: the reminders (催办) a user has received or, for the office, has issued.

A liaison sees the in-app reminders and 督办单 of the own unit's assignments, and viewing a page
of them marks those read. The office, leaders and IT see every reminder of the assignments in
their reach (e-mails included), with whether the unit has read it; their viewing marks nothing.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from reports.models import Reminder
from tasks.filters import ReminderFilter
from tasks.tables import ReminderTable
from units.access import Actor, get_actor, role_required

INBOX_KINDS = (Reminder.Kind.IN_APP, Reminder.Kind.SUPERVISION)


def inbox_for(actor: Actor) -> QuerySet[Reminder]:
    """A liaison's reminders: the unit's in-app ones and 督办单 (an e-mail is in the mailbox)."""
    return Reminder.objects.filter(assignment__unit_id=actor.unit.pk, kind__in=INBOX_KINDS)


def visible_reminders(actor: Actor) -> QuerySet[Reminder]:
    if actor.is_liaison:
        return inbox_for(actor)
    return Reminder.objects.filter(
        actor.jurisdiction_filter("assignment__measure__task__notice__jurisdiction__")
    )


@method_decorator(
    [require_GET, login_required, role_required("admin", "office", "leader", "liaison")],
    name="dispatch",
)
class ReminderListView(SingleTableMixin, FilterView):
    table_class = ReminderTable
    filterset_class = ReminderFilter
    template_name = "reports/reminder_list.html"
    table_pagination = {"per_page": 30}

    def get_queryset(self) -> QuerySet[Reminder]:
        return (
            visible_reminders(get_actor(self.request.user))
            .select_related("assignment__measure__task", "assignment__unit")
            .order_by("-created_at", "id")  # one run's reminders in the digest's order
        )

    def get_table_kwargs(self) -> dict:
        return {"show_unit": not get_actor(self.request.user).is_liaison}

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        actor = get_actor(self.request.user)
        context["marked"] = 0
        if actor.is_liaison and hasattr(context["table"], "page"):
            # The rows are read now (and show 未读 on this view), then marked read.
            unread = [r.pk for r in context["table"].page.object_list.data if r.read_at is None]
            if unread:
                context["marked"] = Reminder.objects.filter(
                    pk__in=unread, read_at__isnull=True
                ).update(read_at=timezone.now())
        return context


reminder_list = ReminderListView.as_view()
