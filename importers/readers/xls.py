"""Excel 97-2003 .xls (and WPS .et) → ``Document``, through xlrd.

Also the "XML Spreadsheet 2003" (SpreadsheetML) that office systems export under an .xls name.
"""

from __future__ import annotations

import datetime as dt
import io

from importers.document import Block, Document
from importers.parse import NoticeImportError
from importers.readers.common import damaged
from importers.readers.sheets import cell_text, grid_blocks

MAX_CELLS = 2_000_000


SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"


def read_xls(data: bytes) -> Document:
    try:
        if SPREADSHEET_NS.encode() in data[:4096]:
            return _read_spreadsheet_ml(data)
        return _read(data)
    except NoticeImportError:
        raise
    except Exception as exc:  # xlrd raises many kinds of errors on a damaged file
        raise damaged("Excel（.xls）", exc) from exc


def _open(data: bytes):  # type: ignore[no-untyped-def]
    import xlrd

    # xlrd writes its warnings to stdout, where the command line prints the parse's JSON.
    quiet = io.StringIO()
    try:
        # formatting_info is what makes xlrd report merged cells.
        return xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, logfile=quiet
        )
    except NotImplementedError:
        return xlrd.open_workbook(file_contents=data, on_demand=True, logfile=quiet)


def _read(data: bytes) -> Document:
    import xlrd

    book = _open(data)
    blocks: list[Block] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if getattr(sheet, "visibility", 0) != 0:
                continue
            if sheet.nrows * sheet.ncols > MAX_CELLS:
                raise NoticeImportError(
                    f"工作表“{sheet.name}”过大（{sheet.nrows} 行 × {sheet.ncols} 列），"
                    "不像是通知或分工表。请删除无关内容后重新上传。"
                )
            grid: list[list[str]] = []
            for r in range(sheet.nrows):
                row: list[str] = []
                for cell in sheet.row(r):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            value: object = xlrd.xldate_as_datetime(cell.value, book.datemode)
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            value = cell.value
                        if isinstance(value, dt.datetime) and value.year < 1901:
                            value = value.time()
                        row.append(cell_text(value))
                    elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        row.append("")
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        row.append(cell_text(bool(cell.value)))
                    else:
                        row.append(cell_text(cell.value))
                grid.append(row)
            # xlrd's merged ranges are half-open (rlo, rhi, clo, chi).
            merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
            blocks.extend(grid_blocks(grid, merges))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    if not blocks:
        raise NoticeImportError("这个 Excel 工作簿里没有任何内容。请确认上传的是分工表或台账。")
    return Document(blocks=blocks, source_format="xls")


def _read_spreadsheet_ml(data: bytes) -> Document:
    from lxml import etree

    def ss(tag: str) -> str:
        return f"{{{SPREADSHEET_NS}}}{tag}"

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(data, parser)
    blocks: list[Block] = []
    for sheet in root.iter(ss("Worksheet")):
        options = sheet.find("{urn:schemas-microsoft-com:office:excel}WorksheetOptions")
        if (
            options is not None
            and options.find("{urn:schemas-microsoft-com:office:excel}Visible") is not None
        ):
            continue  # SheetHidden or SheetVeryHidden
        table = sheet.find(ss("Table"))
        if table is None:
            continue
        cells: dict[tuple[int, int], str] = {}
        merges: list[tuple[int, int, int, int]] = []
        row_index = -1
        for row in table.iter(ss("Row")):
            row_index = _index(row.get(ss("Index")), row_index + 1)
            col = -1
            for cell in row.iter(ss("Cell")):
                col = _index(cell.get(ss("Index")), col + 1)
                across = _span(cell.get(ss("MergeAcross")))
                down = _span(cell.get(ss("MergeDown")))
                data_el = cell.find(ss("Data"))
                if data_el is not None:
                    value = _ml_value("".join(data_el.itertext()), data_el.get(ss("Type")))
                    if value:
                        cells[(row_index, col)] = value
                if across or down:
                    merges.append((row_index, col, row_index + down, col + across))
                col += across
            if (row_index + 1) * (col + 1) > MAX_CELLS:
                raise NoticeImportError(
                    "工作表过大，不像是通知或分工表。请删除无关内容后重新上传。"
                )
        if not cells:
            continue
        height = max(r for r, _ in cells) + 1
        width = max(c for _, c in cells) + 1
        if height * width > MAX_CELLS:
            raise NoticeImportError("工作表过大，不像是通知或分工表。请删除无关内容后重新上传。")
        grid = [[""] * width for _ in range(height)]
        for (r, c), value in cells.items():
            grid[r][c] = value
        blocks.extend(grid_blocks(grid, merges))
    if not blocks:
        raise NoticeImportError("这个 Excel 工作簿里没有任何内容。请确认上传的是分工表或台账。")
    return Document(blocks=blocks, source_format="xls")


def _index(value: str | None, default: int) -> int:
    # ss:Index is 1-based; a cell without one follows the previous.
    try:
        return max(0, min(int(value) - 1, 1_000_000)) if value else default
    except ValueError:
        return default


def _span(value: str | None) -> int:
    try:
        return max(0, min(int(value), 10_000)) if value else 0
    except ValueError:
        return 0


def _ml_value(text: str, kind: str | None) -> str:
    if kind == "Number":
        try:
            return cell_text(float(text))
        except ValueError:
            return cell_text(text)
    if kind == "DateTime":
        try:
            return cell_text(dt.datetime.fromisoformat(text.rstrip("Z")[:19]))
        except ValueError:
            return cell_text(text)
    if kind == "Boolean":
        return cell_text(text.strip() == "1")
    return cell_text(text)
