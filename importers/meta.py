"""Document metadata: title, 文号, issuer, planned year and date, from the head and the signature.

GB/T 9704 fixes where each sits: the 版头 ("XX人民政府文件"), the 文号 on its own line above the
title, the title ("XX关于……的通知"), the 主送机关 line ending in "：", and after the body the
signature (发文机关署名) with the 成文日期 beneath it, then 抄送 and the 印发 line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from importers.textutil import cn_to_int

_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,12})\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(\d{1,4})\s*号"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_DATE_LINE = re.compile(
    r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(印发|印制)?\s*$"
)
_PRINTED_LINE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(印发|印制)\s*$")
_TITLE = re.compile(
    r"关于.{2,80}的[\u4e00-\u9fff]{0,4}?(通知|方案|意见|决定|通报|报告|函|办法|规定|规划|计划|要点|安排)"
)
_TABLE_TITLE = re.compile(
    r".{2,60}(分工|任务清单|分解表|台账|任务表|责任清单|工作要点|实施方案|工作方案)$"
)
_ISSUER_SUFFIX = re.compile(
    r"(人民政府|政府|委员会|办公室|安委会|安委办|管委会|委员会办公室|局|厅|部|委|党委|办事处|公司|集团|中心)$"
)
_BANNER = re.compile(r"^(.{2,40}?)(文件|文 件)$")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass
class Meta:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    year: int | None = None
    issued_on: dt.date | None = None


_CN_DATE = re.compile(
    r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)
_CN_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


def _digits_date(text: str) -> str:
    """ "二〇二四年三月五日" → "2024年3月5日": older notices print the date in Chinese numerals."""

    def repl(m: re.Match[str]) -> str:
        year = m.group(1).translate(_CN_YEAR_DIGITS)
        return f"{year}年{cn_to_int(m.group(2))}月{cn_to_int(m.group(3))}日"

    if "年" not in text or "日" not in text:  # every line of the body passes here
        return text
    return _CN_DATE.sub(repl, text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _date(m: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def find_doc_number(lines: list[str]) -> str | None:
    """The 文号 printed on its own line in the head (a number cited in the body is another's)."""
    for line in lines:
        s = _squash(line)
        m = _DOC_NUMBER.search(s)
        if m and len(s) <= len(m.group(0)) + 12 and not s.startswith(("根据", "按照", "（", "(")):
            return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    return None


def find_title(lines: list[str]) -> tuple[str | None, int]:
    """The title and its line index; a title broken over two lines is joined."""
    for i, line in enumerate(lines):
        s = line.strip()
        if _DOC_NUMBER.search(_squash(s)) and not _TITLE.search(s):
            continue
        if re.search(r"《[^》]*关于", s) or len(s) > 200:
            continue  # a document cited in the preamble, or body text: not this one's title
        if _TITLE.search(_squash(s)) or _TABLE_TITLE.search(_squash(s)):
            title = s
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            # "关于做好2021年安全生产" + "工作的通知"
            if nxt and not _TITLE.search(_squash(s)) and _TITLE.search(_squash(s + nxt)):
                title = s + nxt
            return title, i
        # "关于举一反三抓好……发" + "现问题整改工作的通知"
        if (
            "关于" in s
            and not re.search(r"《[^》]*关于", s)
            and i + 1 < len(lines)
            and _TITLE.search(_squash(s + lines[i + 1]))
        ):
            return s + lines[i + 1].strip(), i
    return None, -1


def _is_issuer_line(line: str) -> bool:
    s = line.strip()
    return (
        bool(s)
        and len(s) <= 60
        and not re.search(r"[。；，：:]", s)
        and bool(_ISSUER_SUFFIX.search(_squash(s)))
    )


def find_signature(
    lines: list[str], begin: int = 0
) -> tuple[int | None, str | None, dt.date | None, dt.date | None]:
    """(line where the signature block starts, issuer, 成文日期, 印发日期), searching from
    ``begin`` (the body) so that dates in the head or in attachments are not taken for it."""
    start: int | None = None
    issuer: str | None = None
    signed: dt.date | None = None
    printed: dt.date | None = None
    for i in range(max(begin, 0), len(lines)):
        if "年" not in lines[i]:
            continue  # both kinds of date line name a year
        s = _digits_date(lines[i].strip())
        m = _DATE_LINE.match(s)
        if m and not m.group(4) and signed is None:
            signed = _date(m)
            start = i
            # The issuers stand above the date, one per line when there are several.
            while start > begin and _is_issuer_line(lines[start - 1]) and i - start < 3:
                start -= 1
            if start < i:
                issuer = "".join(_squash(x) for x in lines[start:i])
        elif printed is None and ("印" in s and _PRINTED_LINE.search(s)):
            printed = _date(_DATE.search(s))  # type: ignore[arg-type]
    return start, issuer, signed, printed


def extract_meta(lines: list[str], doc_meta: dict[str, str], body_start: int = 0) -> Meta:
    meta = Meta()
    head = lines[:30]
    meta.title, title_at = find_title(head)
    meta.doc_number = find_doc_number(head[: title_at + 1] if title_at >= 0 else head[:10])
    if doc_meta.get("发文字号"):
        meta.doc_number = _squash(doc_meta["发文字号"]) or meta.doc_number
    if doc_meta.get("标题") and not meta.title:
        meta.title = doc_meta["标题"].strip()
    _, sig_issuer, signed, printed = find_signature(lines, max(body_start, title_at + 1))
    issuer: str | None = None
    if meta.title:
        before = _squash(meta.title).split("关于")[0]
        if before and _ISSUER_SUFFIX.search(before):
            issuer = before
        elif meta.title.strip().startswith("关于") and title_at > 0:
            # Joint issuers stand one per line above the title.
            names: list[str] = []
            for k in range(title_at - 1, max(title_at - 4, -1), -1):
                prev = _squash(head[k])
                if not _ISSUER_SUFFIX.search(prev) or len(prev) > 30 or _DOC_NUMBER.search(prev):
                    break
                names.insert(0, prev)
            issuer = "".join(names) or None
    issuer = issuer or sig_issuer
    if issuer is None and doc_meta.get("发文机关"):
        issuer = _squash(doc_meta["发文机关"])
    if issuer is None:
        for line in head[: max(title_at, 0) + 1]:
            m = _BANNER.match(_squash(line))
            if m and _ISSUER_SUFFIX.search(m.group(1)):
                issuer = m.group(1)
                break
    if meta.title and "关于" in meta.title:
        meta.issuer = issuer
        if _squash(meta.title).startswith("关于") and issuer:
            meta.title = issuer + _squash(meta.title)
    elif meta.title is None or sig_issuer or meta.doc_number:
        meta.issuer = issuer
    meta.issued_on = signed or printed
    if meta.issued_on is None and doc_meta.get("发文时间"):
        m = _ISO_DATE.search(doc_meta["发文时间"])
        meta.issued_on = _date(m) if m else None
    if meta.title:
        m = _YEAR_IN_TITLE.search(_squash(meta.title))
        meta.year = int(m.group(1)) if m else None
    if meta.year is None and meta.doc_number:
        m = re.search(r"〔(\d{4})〕", meta.doc_number)
        meta.year = int(m.group(1)) if m else None
    if meta.year is None and meta.issued_on:
        meta.year = meta.issued_on.year
    if meta.title:
        meta.title = (
            _squash(meta.title)
            if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff0-9]", meta.title)
            else meta.title
        )
    return meta
