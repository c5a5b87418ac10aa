"""What the pages' light rows carry of a measure, its task and its notice.

我的任务, the unit page, the review queue and the 措施台账 read their page with ``values_list``
instead of building model instances (tasks/my_task_rows.py, unit_rows.py, review_rows.py,
measure_rows.py). Their cells read the same few attributes of the related objects, which
these classes carry; ``Task.__str__`` is the model's own.
"""

from __future__ import annotations

from tasks.models import Recurrence, Task

RECURRENCE_LABELS: dict[str, str] = dict(Recurrence.choices)


class Listed(list):
    """Related rows read beforehand: ``all()`` as on a prefetched manager."""

    def all(self) -> Listed:
        return self


class LightNotice:
    __slots__ = ("title", "year")


class LightTask:
    __slots__ = ("notice", "notice_id", "number", "pk", "title")
    __str__ = Task.__str__


class LightMeasure:
    __slots__ = ("recurrence", "task", "text", "withdrawn")

    def get_recurrence_display(self) -> str:
        return RECURRENCE_LABELS.get(self.recurrence, self.recurrence)


def light_measure(
    text: str,
    task_number: str,
    task_title: str,
    notice_title: str,
    *,
    withdrawn: bool = False,
    recurrence: str = "",
) -> LightMeasure:
    """A measure with its task and notice, as the cells read them (``measure.task.notice``)."""
    notice, task, measure = LightNotice(), LightTask(), LightMeasure()
    notice.title = notice_title
    task.number, task.title, task.notice = task_number, task_title, notice
    measure.text, measure.withdrawn, measure.recurrence, measure.task = (
        text, withdrawn, recurrence, task
    )  # fmt: skip
    return measure
