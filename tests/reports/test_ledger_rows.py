"""The 台账's data rows, written by reports/ledger_rows.py: the workbook reads exactly as the
one openpyxl's own cell writer made, cell by cell, style by style, row height by height."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from reports import ledger
from tasks.models import Assignment, Measure, Task
from tests import factories as f
from tests.reports.test_ledger import _report

S, R = Assignment.Status, Assignment.Role
DAY = dt.date(2024, 3, 1)


def _old_add(self, *, task, text, lead, others, due, status, progress, late, red):
    """LedgerSheet.add as it was: a cell per value, written by openpyxl."""
    s = self.styles
    self.rows += 1
    cells = []
    for value, style in (
        (self.rows, s.center[red]), (task, s.text[red]), (text, s.text[red]),
        (lead, s.text[red]), (others, s.text[red]), (due, s.date[red]),
        (status, s.center[red]), (progress, s.text[red]), (late, s.center[red]),
    ):  # fmt: skip
        cell = WriteOnlyCell(self.ws)
        if value is None or value == "":
            cell._value, cell.data_type = None, "n"
        elif isinstance(value, str):
            cell._value, cell.data_type = ILLEGAL_CHARACTERS_RE.sub("", value), "s"
        elif isinstance(value, dt.date):
            cell._value, cell.data_type = value, "d"
        else:
            cell._value, cell.data_type = value, "n"
        cell._style = style
        cells.append(cell)
    height = ledger.row_height((task, text, lead, others, progress), ledger.TEXT_WIDTHS)
    dims, row = self.ws.row_dimensions, self.rows + 2
    dims[row] = {"ht": f"{height:g}", "customHeight": "1"}
    self.ws.append(cells)
    del dims[row]


@pytest.fixture
def varied(county, unit_a, unit_b, liaison_a, on_day):
    on_day(DAY)
    notice = f.notice(county, year=2024)
    task = Task.objects.create(notice=notice, number="1", title="  落实<责任>&  ", order=1)
    texts = ["=SUM(A1:A2)", " 前后有空格 ", "控制字符\x01\x02在此", "第一行\n第二行\n" * 6, "普通"]
    for i, text in enumerate(texts):
        m = Measure.objects.create(
            task=task, text=text, order=i, due_date=dt.date(2024, 2, 20 + i) if i % 2 else None,
            recurrence="monthly" if i == 3 else "",
        )  # fmt: skip
        a = f.assignment(m, unit_a, role=R.LEAD, due=dt.date(2024, 2, 20 + i), status=S.IN_PROGRESS)
        if i % 2:
            f.assignment(m, unit_b, role=R.COOPERATE, due=dt.date(2024, 4, 1), status=S.DONE)
        if i != 4:
            _report(a, liaison_a, f"进展{i}" * (i * 9 + 1), 10 * i, dt.date(2024, 2, 25))
    Measure.objects.create(task=task, text="未分配", order=9)
    return notice


def _sheets(content: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    out = {}
    for ws in wb.worksheets:
        cells = [
            (c.coordinate, c.value, c.data_type, c.number_format, c.font.b, c.font.sz,
             c.fill.fgColor.rgb, c.alignment.wrap_text, c.alignment.horizontal,
             c.alignment.vertical, c.border.left.style, c.border.left.color and c.border.left.color.rgb)
            for row in ws.iter_rows() for c in row
        ]  # fmt: skip
        heights = {i: d.height for i, d in ws.row_dimensions.items() if d.height}
        out[ws.title] = (cells, heights, str(ws.merged_cells), ws.freeze_panes,
                         ws.auto_filter.ref, ws.print_title_rows)  # fmt: skip
    return out


@pytest.mark.parametrize("per_unit", ["", "1"])
def test_rows_read_as_openpyxls_own_writer_wrote_them(login, office, varied, monkeypatch, per_unit):
    client = login(office)
    url = reverse("ledger_xlsx")
    ours = b"".join(client.get(url, {"per_unit": per_unit}).streaming_content)
    with monkeypatch.context() as m:
        m.setattr(ledger, "RowWriter", lambda ws, columns: None)
        m.setattr(ledger.LedgerSheet, "add", _old_add)
        theirs = b"".join(client.get(url, {"per_unit": per_unit}).streaming_content)
    ours_read, theirs_read = _sheets(ours), _sheets(theirs)
    assert ours_read == theirs_read
    cells = [c for sheet in ours_read.values() for c in sheet[0]]
    values = {c[1] for c in cells}
    assert "=SUM(A1:A2)" in values and " 前后有空格 " in values and "控制字符在此" in values
    assert {c[2] for c in cells} >= {"s", "n", "d"}
    assert any(c[6] == "00FFC7CE" for c in cells)  # a red row


def test_a_text_with_outer_spaces_keeps_them_in_excel(login, office, varied):
    import zipfile

    content = b"".join(login(office).get(reverse("ledger_xlsx")).streaming_content)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()

    # Excel drops a text's outer spaces unless the element says to keep them.
    def refs(text):  # the stream writes characters past ASCII as references
        return "".join(c if c.isascii() else f"&#{ord(c)};" for c in text)

    assert f'<t xml:space="preserve">{refs(" 前后有空格 ")}</t>' in sheet
    assert f"<t>{refs('普通')}</t>" in sheet
