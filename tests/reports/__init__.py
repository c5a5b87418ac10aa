"""Helpers of the reports tests: open the generated files and read what they say."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from django.utils import timezone

from tasks.models import Assignment
from tests import factories as f

DAY = dt.date(2024, 3, 1)


def set_office(j, *, name="交城县安全生产委员会办公室", prefix="交安办督"):
    j.office_name, j.document_prefix = name, prefix
    j.save()
    return j


def overdue(unit, *, due=dt.date(2024, 2, 1), text="开展燃气安全专项整治。", notice=None, j=None):
    """An assignment to ``unit`` past its due date (on DAY) and not done."""
    m = f.measure(notice, j=j or unit.jurisdiction, text=text, due=due)
    return f.assignment(m, unit, due=due, start=dt.date(2024, 1, 5))


def done(a: Assignment, on: dt.date) -> Assignment:
    a.status = Assignment.Status.DONE
    a.completed_at = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    a.save()
    return a


def read_docx(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def docx_text(document) -> str:
    """Every paragraph and every table cell, in order, one per line."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def table_rows(document, index: int = 0) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in document.tables[index].rows]


def east_asian_fonts(document) -> set[str]:
    """The ``w:eastAsia`` font names set on the runs of the body."""
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return {
        el.get(f"{ns}eastAsia")
        for el in document.element.body.iter(f"{ns}rFonts")
        if el.get(f"{ns}eastAsia")
    }


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
