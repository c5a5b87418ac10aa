"""The one entry point: bytes of a file in, a ``NoticeParse`` out, or a ``NoticeImportError``."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
from multiprocessing.connection import Connection

from importers.build import build_notice
from importers.document import Document
from importers.parse import Directory, NoticeImportError, NoticeParse
from importers.sniff import check_zip_limits, sniff_format

logger = logging.getLogger(__name__)

# Files larger than this are not notices; refuse before reading them at all.
MAX_FILE_SIZE = 50 * 1024 * 1024

DAMAGED_PREFIX = "文件已损坏或格式异常，无法解析："


def read_document(data: bytes, filename: str = "") -> Document:
    """Decide the format from the content (the extension only breaks ties) and read it."""
    if len(data) > MAX_FILE_SIZE:
        raise NoticeImportError(
            f"文件过大（{len(data) // (1024 * 1024)} MB），超过 {MAX_FILE_SIZE // (1024 * 1024)} MB"
            " 的上限。通知文件通常不超过几 MB，请确认是否上传了正确的文件。"
        )
    fmt = sniff_format(data, filename)
    if fmt in ("docx", "xlsx"):
        check_zip_limits(data)
    if fmt == "txt":
        from importers.readers.txt import read_txt

        return read_txt(data)
    if fmt == "docx":
        from importers.readers.docx import read_docx

        return read_docx(data)
    if fmt == "xlsx":
        from importers.readers.xlsx import read_xlsx

        return read_xlsx(data)
    if fmt == "xls":
        from importers.readers.xls import read_xls

        return read_xls(data)
    if fmt == "pdf":
        from importers.readers.pdf import read_pdf

        return read_pdf(data)
    if fmt == "html":
        from importers.readers.html import read_html

        return read_html(data)
    if fmt in ("doc", "wps"):
        from importers.readers.legacy import read_legacy_word

        return read_legacy_word(data, fmt)
    raise NoticeImportError(f"无法识别的文件格式（{fmt}）。")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    name = type(exc).__name__
    return f"{name}：{text[:160]}" if text else name


def parse_file(
    data: bytes, filename: str = "", *, directory: Directory | None = None
) -> NoticeParse:
    """Parse in this process. Callers that face untrusted files use ``parse_file_limited``.

    Only ``NoticeImportError`` comes out: any other failure on a hostile or damaged file is
    logged with its traceback (for the developers) and reported in Chinese (for the office).
    """
    try:
        document = read_document(data, filename)
        parse = build_notice(document, directory=directory)
    except NoticeImportError:
        raise
    except RecursionError as exc:
        logger.exception("notice parse failed: %s", filename)
        raise NoticeImportError(DAMAGED_PREFIX + "文件结构嵌套过深。请重新保存后上传。") from exc
    except MemoryError as exc:
        raise NoticeImportError(
            DAMAGED_PREFIX + "解析所需内存过大，文件可能被恶意构造或已损坏。"
        ) from exc
    except Exception as exc:
        logger.exception("notice parse failed: %s", filename)
        raise NoticeImportError(
            DAMAGED_PREFIX + _describe(exc) + "。请在原软件中打开确认无误后重新保存再上传。"
        ) from exc
    parse.source_format = document.source_format
    return parse


# --- parsing in a child process with a time limit -------------------------------------------


def _child(
    conn: Connection,
    data: bytes,
    filename: str,
    directory: Directory | None,
    memory_limit: int | None,
) -> None:
    # Runs in the forked child: its memory and time are the parent's to limit. The cap is on
    # address space, which a threaded server process already holds much of (thread stacks,
    # malloc arenas): the budget is added to what the child starts with.
    if memory_limit:
        try:
            import resource

            cap = _address_space() + memory_limit
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (ImportError, ValueError, OSError):
            pass
    try:
        result: tuple[str, object] = ("ok", parse_file(data, filename, directory=directory))
    except NoticeImportError as exc:
        result = ("error", exc.message)
    except BaseException as exc:  # even SystemExit: the parent must get an answer
        result = ("error", DAMAGED_PREFIX + _describe(exc))
    try:
        conn.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as exc:
        conn.send_bytes(pickle.dumps(("error", DAMAGED_PREFIX + _describe(exc))))
    finally:
        conn.close()


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def parse_file_limited(
    data: bytes,
    filename: str = "",
    *,
    directory: Directory | None = None,
    timeout: float = 60,
    memory_limit_mb: int | None = 2048,
) -> NoticeParse:
    """``parse_file`` in a forked child process that is killed after ``timeout`` seconds.

    A hostile file (a zip bomb, a PDF that sends pdfminer into a loop) then costs the server one
    child process, not a worker. The child may grow by ``memory_limit_mb`` beyond the address
    space it was forked with (None: no cap).
    """
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    limit = memory_limit_mb * 1024 * 1024 if memory_limit_mb else None
    process = ctx.Process(
        target=_child, args=(sender, data, filename, directory, limit), daemon=True
    )
    process.start()
    sender.close()
    try:
        # The answer must be read before joining: a large parse fills the pipe and the child
        # would block on it forever.
        if not receiver.poll(timeout):
            _kill(process)
            raise NoticeImportError(
                f"解析超时（超过 {timeout:g} 秒）：文件过大或结构异常。"
                "请确认文件无误，或另存为 .docx 后重新上传。"
            )
        try:
            payload = receiver.recv_bytes()
        except (EOFError, OSError) as exc:
            process.join(5)
            code = process.exitcode
            raise NoticeImportError(
                DAMAGED_PREFIX + f"解析进程意外退出（代码 {code}），文件可能被恶意构造或已损坏。"
            ) from exc
    finally:
        receiver.close()
        if process.is_alive():
            process.join(5)
            if process.is_alive():
                _kill(process)
    status, value = pickle.loads(payload)
    if status == "ok" and isinstance(value, NoticeParse):
        return value
    if status == "error" and isinstance(value, str):
        raise NoticeImportError(value)
    raise NoticeImportError(DAMAGED_PREFIX + "解析结果异常。")


def _kill(process: multiprocessing.process.BaseProcess) -> None:
    if process.pid is not None and process.is_alive():
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.join(5)
