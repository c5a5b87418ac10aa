"""Word 97-2003 .doc, WPS .wps (and RTF saved as .doc) → .docx via LibreOffice → ``Document``.

No Python library reads these binary formats well; LibreOffice does, when the server has it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from importers.document import Document, Paragraph
from importers.parse import NoticeImportError
from importers.readers.docx import read_docx
from importers.sniff import looks_like_text

CONVERT_TIMEOUT = 60.0

NO_OFFICE_MESSAGE = (
    "服务器未安装 LibreOffice，无法读取 .doc/.wps 文件，请在 Word/WPS 中另存为 .docx 后上传。"
)


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, fmt: str, timeout: float = CONVERT_TIMEOUT) -> bytes:
    """The file converted by ``soffice --headless --convert-to docx``; NoticeImportError else."""
    soffice = find_soffice()
    if not soffice:
        raise NoticeImportError(NO_OFFICE_MESSAGE)
    suffix = "wps" if fmt == "wps" else "doc"
    with tempfile.TemporaryDirectory(prefix="notice-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"input.{suffix}"
        source.write_bytes(data)
        # A profile of its own: LibreOffice refuses to start while another instance holds the
        # shared one, and a conversion must not depend on what a desktop user left there.
        profile = (folder / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        env = {**os.environ, "HOME": tmp}
        try:
            proc = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=tmp,
                start_new_session=True,
            )
        except OSError as exc:
            raise NoticeImportError(NO_OFFICE_MESSAGE) from exc
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise NoticeImportError(
                f"转换 .{suffix} 文件超时（超过 {int(timeout)} 秒），文件可能已损坏。"
                "请在 Word/WPS 中另存为 .docx 后上传。"
            ) from exc
        result = folder / "out" / "input.docx"
        if not result.exists() or result.stat().st_size == 0:
            raise NoticeImportError(
                f"文件已损坏或格式异常，无法解析：LibreOffice 无法转换这个 .{suffix} 文件。"
                "请在 Word/WPS 中打开确认无误后另存为 .docx 再上传。"
            )
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def read_legacy_word(data: bytes, fmt: str) -> Document:
    document = read_docx(convert_to_docx(data, fmt))
    document.source_format = fmt
    # LibreOffice opens almost anything, falling back on reading the bytes as text; a damaged
    # file then "converts" into gibberish that must not reach the builder.
    sample = "".join(
        b.text if isinstance(b, Paragraph) else "".join("".join(r) for r in b.rows)
        for b in document.blocks[:200]
    )
    if sample and not looks_like_text(sample):
        raise NoticeImportError(
            f"文件已损坏或格式异常，无法解析：这个 .{fmt} 文件转换后只得到乱码。"
            "请在 Word/WPS 中打开确认无误后另存为 .docx 再上传。"
        )
    return document
