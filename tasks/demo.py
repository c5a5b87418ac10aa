"""Progress for the demo: deadlines around today, reports, a review, an extension request.

Only for `load_demo` on a new machine, so that the workbench, the lights and the review queue
show something on the first visit. Goes through the services, so history is real.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tasks import services
from tasks.models import Assignment, Measure, Notice, ProgressReport

# Deadlines spread around today, in days: some overdue, some due soon, most later.
OFFSETS = [-40, -12, 3, 6, 25, 60, 120, 200, None]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@transaction.atomic
def populate(*, today: dt.date) -> bool:
    """Give the demo notices this year's dates and some progress. Once: False if done before."""
    if ProgressReport.objects.exists():
        return False
    Notice.objects.update(year=today.year)
    start = today - dt.timedelta(days=90)
    for i, measure in enumerate(Measure.objects.order_by("task__notice", "task__order", "order")):
        offset = OFFSETS[i % len(OFFSETS)]
        due = today + dt.timedelta(days=offset) if offset is not None else None
        if measure.recurrence:
            due = dt.date(today.year, 12, 31)
        Measure.objects.filter(pk=measure.pk).update(due_date=due)
        for a in measure.assignments.all():
            a.due_date = a.original_due_date = due
            a.start_date = start
            a.save(update_fields=["due_date", "original_due_date", "start_date"])
    User = get_user_model()
    office = User.objects.get(username="office")
    for username in ("yjj", "tnz"):
        liaison = User.objects.get(username=username)
        mine = list(
            Assignment.objects.filter(unit=liaison.profile.unit)
            .select_related("measure")
            .order_by("measure__task__order", "measure__order")
        )
        for i, a in enumerate(mine[:12]):
            step = i % 6
            if step == 0:
                continue  # 未启动
            services.report_progress(
                assignment=a,
                author=liaison,
                text="已召开专题会议部署，正在推进。",
                percent=20 * step,
            )
            if step in (3, 4, 5):
                services.report_progress(
                    assignment=a, author=liaison, text="已按要求完成，附会议纪要。", percent=100,
                    files=[_evidence("会议纪要.pdf")], completion=True,
                )  # fmt: skip
            if step == 4:
                services.review_completion(assignment=a, reviewer=office, accept=True)
            if step == 5:
                services.review_completion(
                    assignment=a, reviewer=office, accept=False, reason="缺少现场照片，请补充。"
                )
        open_one = next((a for a in mine[12:] if a.due_date), None)
        if open_one is not None:
            services.request_extension(
                assignment=open_one, by=liaison, reason="涉及多部门协调，需延长时限。",
                requested_date=open_one.due_date + dt.timedelta(days=30),
            )  # fmt: skip
    return True
