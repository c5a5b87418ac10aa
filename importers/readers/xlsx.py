"""Excel .xlsx → ``Document``: every visible sheet's used range, merges filled in."""

from __future__ import annotations

import io
import warnings

from importers.document import Block, Document
from importers.parse import NoticeImportError
from importers.readers.common import damaged
from importers.readers.sheets import cell_text, grid_blocks
from importers.sniff import check_zip_limits

# A sheet larger than this is not a notice or a division table; refuse rather than grind.
MAX_CELLS = 2_000_000


def read_xlsx(data: bytes) -> Document:
    check_zip_limits(data)
    try:
        return _read(data)
    except NoticeImportError:
        raise
    except Exception as exc:  # any failure inside a damaged workbook
        raise damaged("Excel（.xlsx）", exc) from exc


def _read(data: bytes) -> Document:
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns about data validation, conditional formats … that do not matter here.
        warnings.simplefilter("ignore")
        # Normal (not read-only) mode: read-only worksheets do not expose merged ranges.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    blocks: list[Block] = []
    meta: dict[str, str] = {}
    title = book.properties.title if book.properties else None
    if title and title.strip():
        meta["标题"] = title.strip()
    for sheet in book.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        # The declared used range often runs far past the data (rows formatted but empty);
        # what counts is where values are.
        filled = {
            key: _percent(cell.value, cell.number_format)
            for key, cell in getattr(sheet, "_cells", {}).items()
            if cell.value is not None and cell.value != ""
        }
        if not filled:
            continue
        max_row = max(r for r, _ in filled)
        max_col = max(c for _, c in filled)
        if max_row * max_col > MAX_CELLS:
            raise NoticeImportError(
                f"工作表“{sheet.title}”过大（{max_row} 行 × {max_col} 列），不像是通知或分工表。"
                "请删除无关内容后重新上传。"
            )
        grid = [[""] * max_col for _ in range(max_row)]
        for (r, c), value in filled.items():
            grid[r - 1][c - 1] = cell_text(value)
        merges = [
            (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
            for m in sheet.merged_cells.ranges
        ]
        blocks.extend(grid_blocks(grid, merges))
    if not blocks:
        raise NoticeImportError("这个 Excel 工作簿里没有任何内容。请确认上传的是分工表或台账。")
    return Document(blocks=blocks, meta=meta, source_format="xlsx")


def _percent(value: object, number_format: str | None) -> object:
    # 0.95 shown as 95% reads as 95% (a completion rate), not 0.95.
    if isinstance(value, (int, float)) and not isinstance(value, bool) and number_format:
        if number_format.endswith("%"):
            return f"{value * 100:.10g}%"
    return value
