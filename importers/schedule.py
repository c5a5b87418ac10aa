"""Schedule hints in a measure's text: how often it recurs, and by when it is due.

Only explicit wording counts: 每月 is monthly, 年底前 is 31 December of the notice's year; 定期
("regularly") names no period and sets nothing. A date inside a clause that cites another body's
plan ("根据……长治市2020年基本完成……的部署要求") is that body's, not this measure's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from importers.parse import Recurrence
from importers.textutil import cn_to_int

# Most frequent first: a measure that meets monthly and quarterly is reported monthly.
_RECURRENCE: list[tuple[Recurrence, re.Pattern[str]]] = [
    ("weekly", re.compile(r"每周|每星期|每个星期|每一周")),
    ("monthly", re.compile(r"每月|每个月|每一个月|按月")),
    ("quarterly", re.compile(r"每季度|每个季度|每一季度|每季|按季度?")),
    ("semiannual", re.compile(r"每半年|一年两次|每年两次|半年一次|每年至少两次")),
    ("yearly", re.compile(r"每年|每一年|一年一次|每年度")),
]
_NUM = r"[0-9０-９一二三四五六七八九十两]{1,3}"
_YEAR = r"((?:19|20)\d{2})\s*年"
# Clauses that cite someone else's plan: their dates are not this measure's deadline.
_CITING = re.compile(r"^(根据|按照|依据|对照)|部署要求|的要求$|规划要求|精神$")
_CLAUSE = re.compile(r"[^，,；;。！？!?]+")


def _day(m: re.Match[str], year: int | None) -> dt.date | None:
    y = _as_int(m.group(1)) or year
    month, day = _as_int(m.group(2)), _as_int(m.group(3))
    if not (y and month and day):
        return None
    try:
        return dt.date(y, month, day)
    except ValueError:
        return None


def _month(m: re.Match[str], year: int | None) -> dt.date | None:
    y = _as_int(m.group(1)) or year
    month = _as_int(m.group(2))
    return _month_end(y, month) if y and month else None


def _named_year_end(m: re.Match[str], year: int | None) -> dt.date | None:
    return dt.date(int(m.group(1)), 12, 31)


def _year_end(m: re.Match[str], year: int | None) -> dt.date | None:
    return dt.date(year, 12, 31) if year else None


def _half_year(m: re.Match[str], year: int | None) -> dt.date | None:
    return dt.date(year, 6, 30) if year else None


_Handler = Callable[[re.Match[str], int | None], dt.date | None]
# Each pattern with a word it cannot match without: most clauses hold none, and ``in`` is far
# cheaper than a regex search.
_DEADLINES: list[tuple[re.Pattern[str], _Handler, str]] = [
    # YYYY年X月X日前 / X月X日前 / 完成时限4月20日前
    (
        re.compile(
            r"(?:" + _YEAR + r")?\s*(" + _NUM + r")\s*月\s*(" + _NUM + r")\s*日(?:前|之前|以前)"
        ),
        _day,
        "日",
    ),
    # 自即日起至4月8日 / 截至6月30日 (but not 自4月8日起, a start)
    (
        re.compile(
            r"(?:至|截至|截止到?)\s*(?:"
            + _YEAR
            + r")?\s*("
            + _NUM
            + r")\s*月\s*("
            + _NUM
            + r")\s*日(?!起)"
        ),
        _day,
        "日",
    ),
    # YYYY年X月底前 / X月底前 / X月份前 / X月末
    (
        re.compile(r"(?:" + _YEAR + r")?\s*(" + _NUM + r")\s*月(?:底|末|份)(?:前|之前|以前)?"),
        _month,
        "月",
    ),
    # YYYY年底前 / YYYY年年底
    (re.compile(_YEAR + r"\s*(?:年)?(?:底|末)"), _named_year_end, "年"),
    # 年底前 / 年底 / 年内 / 年末 / 今年内 (but not 3年内, 去年底)
    (re.compile(r"(?<![0-9０-９一二三四五六七八九十两去前明近多])年(?:底|内|末)"), _year_end, "年"),
    # 力争YYYY年… / 确保到YYYY年…
    (re.compile(r"(?:力争|确保|争取)(?:到)?\s*" + _YEAR), _named_year_end, "年"),
    # 上半年前 / 上半年完成
    (re.compile(r"上半年(?:前|底|内|末|完成)"), _half_year, "上半年"),
]
_OPENING_TARGET = re.compile(r"^\s*(?:到|至)?\s*" + _YEAR + r"\s*[，,]")
_ACHIEVES = re.compile(r"达到|达|实现|完成|建成|降低|下降|控制在")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
# One search rules out most measures; the patterns one by one then pick the most frequent.
_ANY_RECURRENCE = re.compile("|".join(pattern.pattern for _, pattern in _RECURRENCE))


def recurrence_of(text: str) -> Recurrence | None:
    if not _ANY_RECURRENCE.search(text):
        return None
    for kind, pattern in _RECURRENCE:
        if pattern.search(text):
            return kind
    return None


def _month_end(year: int, month: int) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _as_int(s: str | None) -> int | None:
    if not s:
        return None
    s = s.translate(_FULL_WIDTH_DIGITS)
    return cn_to_int(s)


def _deadline_in_clause(clause: str, year: int | None) -> dt.date | None:
    for pattern, handler, word in _DEADLINES:
        if word not in clause:
            continue
        m = pattern.search(clause)
        if m:
            date = handler(m, year)
            if date:
                return date
    return None


def column_deadline(text: str, year: int | None) -> dt.date | None:
    """A 完成时限 cell: besides the wording above, a bare month ("2023年12月", "6月") is due at
    its end."""
    date = deadline_of(text, year)
    if date:
        return date
    m = re.fullmatch(r"\s*(?:" + _YEAR + r")?\s*(" + _NUM + r")\s*月\s*", text)
    return _month(m, year) if m else None


def deadline_of(text: str, year: int | None) -> dt.date | None:
    """The earliest explicit deadline the text sets, in the notice's year unless it names one."""
    # Every pattern names a year or a month: text with neither sets no deadline.
    if "年" not in text and "月" not in text:
        return None
    found: list[dt.date] = []
    for sentence in _SENTENCE_END.split(text):
        if "年" not in sentence and "月" not in sentence:
            continue
        opening = _OPENING_TARGET.match(sentence)
        if opening and _ACHIEVES.search(sentence):
            found.append(dt.date(int(opening.group(1)), 12, 31))
            continue
        for clause in _CLAUSE.findall(sentence):
            if "年" not in clause and "月" not in clause:
                continue
            if _CITING.search(clause.strip()) or ("部署要求" in sentence and "根据" in clause):
                continue
            date = _deadline_in_clause(clause, year)
            if date:
                found.append(date)
    return min(found) if found else None
