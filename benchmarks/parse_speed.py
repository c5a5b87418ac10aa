"""Parse time of every notice in some folders, beside the time its library needs just to read it.

    .venv/bin/python benchmarks/parse_speed.py [DIR_OR_FILE ...]

Default folders: ../shared/seeds, its office/ folder and ../shared/real. For each file,
in this process and after a warm-up, it prints the median time of ``parse_file``, of
``read_document`` (the format reader alone, without the builder) and of the
"floor": the underlying library opening the file and reading all of it (python-docx: every
paragraph and every table row's cells; openpyxl in normal mode: every cell and the merged
ranges; xlrd: every cell; pdfplumber: the text of every page; BeautifulSoup: the document's
text; .txt: decoding). The three are timed in turn in each round (41 rounds, 5 for PDF), so
that load from other processes weighs on all of them alike. The goal is parse ≤ 2× floor, and
under 50 ms for each .txt.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from importers.api import parse_file, read_document  # noqa: E402
from importers.parse import NoticeImportError  # noqa: E402
from importers.sniff import sniff_format  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT_DIRS = [str(SHARED / "seeds"), str(SHARED / "seeds" / "office"), str(SHARED / "real")]
SUFFIXES = {".txt", ".docx", ".xlsx", ".xls", ".pdf", ".html", ".htm", ".doc", ".wps"}


def floor_docx(data: bytes) -> None:
    import docx

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        _ = paragraph.text
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                _ = cell.text


def floor_xlsx(data: bytes) -> None:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for _ in row:
                pass
        _ = list(sheet.merged_cells.ranges)


def floor_xls(data: bytes) -> None:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    for sheet in book.sheets():
        for r in range(sheet.nrows):
            _ = sheet.row_values(r)
        _ = sheet.merged_cells


def floor_pdf(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            _ = page.extract_text()


def floor_html(data: bytes) -> None:
    from bs4 import BeautifulSoup

    _ = BeautifulSoup(data, "lxml").get_text()


def floor_txt(data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data.decode("gb18030")


FLOORS: dict[str, Callable[[bytes], None]] = {
    "docx": floor_docx,
    "xlsx": floor_xlsx,
    "xls": floor_xls,
    "pdf": floor_pdf,
    "html": floor_html,
    "txt": floor_txt,
}


def median_times(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Median time of each function, timed in turn in every round.

    Interleaving puts the same load from other processes on all of them, so that their ratios
    hold up on a busy machine even when the times themselves move.
    """
    for fn in fns:
        fn()  # warm-up: imports, caches
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, spent in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def files(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args or DEFAULT_DIRS:
        path = Path(arg)
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out.extend(p for p in sorted(path.iterdir()) if p.suffix.lower() in SUFFIXES)
    return out


def main(argv: list[str]) -> int:
    print(
        f"{'file':48} {'format':6} {'parse ms':>9} {'read ms':>8} {'floor ms':>9} {'ratio':>6}"
        f" {'read/floor':>10}"
    )
    failures = 0
    for path in files(argv):
        data = path.read_bytes()
        try:
            fmt = sniff_format(data, path.name)
        except NoticeImportError as exc:
            print(f"{path.name:48} {'?':6} {exc.message}")
            continue
        repeat = 5 if fmt in ("pdf", "doc", "wps") else 41
        try:
            parse_file(data, path.name)
        except NoticeImportError as exc:
            print(f"{path.name:48} {fmt:6} {exc.message}")
            failures += 1
            continue
        fns: list[Callable[[], object]] = [
            lambda d=data, n=path.name: parse_file(d, n),
            lambda d=data, n=path.name: read_document(d, n),
        ]
        floor = FLOORS.get(fmt)
        if floor is not None:
            fns.append(lambda d=data, f=floor: f(d))
        parse_ms, read_ms, *rest = (t * 1000 for t in median_times(fns, repeat))
        if floor is None:
            print(f"{path.name[:48]:48} {fmt:6} {parse_ms:9.1f} {read_ms:8.1f} {'-':>9}")
            continue
        floor_ms = rest[0]
        ratio = parse_ms / floor_ms if floor_ms else float("inf")
        flag = ""
        if fmt == "txt" and parse_ms >= 50:
            flag = "  ← over 50 ms"
        elif fmt != "txt" and ratio > 2:
            flag = "  ← over 2× floor"
        read_ratio = read_ms / floor_ms if floor_ms else float("inf")
        print(
            f"{path.name[:48]:48} {fmt:6} {parse_ms:9.1f} {read_ms:8.1f} {floor_ms:9.1f}"
            f" {ratio:6.2f} {read_ratio:10.2f}{flag}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
