"""django-tables2 tables of the product's list pages, a module per area; the names other
modules import are here."""

from tasks.tables.cells import due_info, light_html
from tasks.tables.liaison import MyTasksTable, assignment_measure_cell, assignment_periods
from tasks.tables.measures import (
    MeasureTable,
    NoticeTable,
    assignment_light,
    measure_light,
    measure_status,
)
from tasks.tables.reminders import ReminderTable
from tasks.tables.reviews import CompletionQueueTable, ExtensionQueueTable, review_report_cell
from tasks.tables.units import (
    UnitAssignmentsTable,
    UnitFiguresTable,
    nulls_last,
    place_note,
    rate_text,
)

__all__ = [
    "CompletionQueueTable",
    "ExtensionQueueTable",
    "MeasureTable",
    "MyTasksTable",
    "NoticeTable",
    "ReminderTable",
    "UnitAssignmentsTable",
    "UnitFiguresTable",
    "assignment_light",
    "assignment_measure_cell",
    "assignment_periods",
    "due_info",
    "light_html",
    "measure_light",
    "measure_status",
    "nulls_last",
    "place_note",
    "rate_text",
    "review_report_cell",
]
