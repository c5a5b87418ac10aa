"""Small text helpers shared by the readers and the builder: page furniture, numerals, widths."""

from __future__ import annotations

import re
import unicodedata

# Page numbers as GB/T 9704 prints them ("- 16 -", "— 213 —"), glued to text or alone. The
# dashes must hug a number of at most three digits so that ranges like "2-3" are left alone.
_PAGE_NUMBER = re.compile(
    r"[-—－–]\s+\d{1,3}\s+[-—－–]|[-—－–]\d{1,3}[-—－–](?=\s*$)|^\s*[-—－–]\s*\d{1,3}\s*[-—－–]\s*$"
)
_PAGE_OF = re.compile(r"第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]|_GoBack")
# Lines that only a web page around the notice has: navigation, font size, print buttons. The
# phrases allowed anywhere and those only at the start are two patterns: without a ``^`` branch
# the regex engine can skip to the characters the phrases begin with, which every line of
# notice text is scanned for.
_CHROME_ANYWHERE = re.compile(
    r"当前位置|字体大小|字号[:：]?\s*[【\[]?[大中小]|【\s*大\s*】|打印本页|关闭窗口|保存为\s*word|"
    r"热点查询|网站地图|浏览次数|访问量|\|\s*\S+政府\s*\|",
    re.IGNORECASE,
)
_CHROME_START = re.compile(
    r"\s*(打印|关闭|返回顶部|分享到|扫一扫|收藏|今天是)|\s*图文解读|\s*首页\s*[>＞]", re.IGNORECASE
)
# Every furniture pattern above holds one of these characters: text without any is left alone.
_FURNITURE_HINT = re.compile(r"[-—－–\[_]")
_HINT_CHARACTERS = frozenset("-—－–[_")
# Every branch opens with a literal, so the engine still skips to their first characters (a
# character class among the branches would make it try the whole pattern at every position).
_CHROME_OR_HINT = re.compile(
    _CHROME_ANYWHERE.pattern + "|" + "|".join(map(re.escape, sorted(_HINT_CHARACTERS))),
    re.IGNORECASE,
)
_BARE_PAGE_NUMBER = re.compile(r"\d{1,3}|\d{1,3}\s*/\s*\d{1,3}")


def strip_furniture(text: str) -> str:
    """Remove page numbers and bookmarks glued to text; keep everything else as it is."""
    if not _FURNITURE_HINT.search(text):
        return text
    text = _BOOKMARK.sub("", text)
    text = _PAGE_NUMBER.sub("", text)
    return text


def is_furniture_line(text: str) -> bool:
    """A whole line that is page furniture or web-page chrome, not notice text."""
    s = text.strip()
    if not s:
        return True
    if _CHROME_START.match(s) or _CHROME_ANYWHERE.search(s):
        return True
    if _PAGE_OF.fullmatch(s) or _BARE_PAGE_NUMBER.fullmatch(s):
        return True  # "第3页", or a bare page number a PDF prints without dashes
    return not strip_furniture(s).strip()


def clean_line(text: str) -> str:
    """Furniture removed and outer whitespace (including full-width spaces) trimmed."""
    s = strip_furniture(text.replace("\u00a0", " ").replace("\u3000", " "))
    if "页" in s and _PAGE_OF.fullmatch(s.strip()):
        s = _PAGE_OF.sub("", s)
    return s.strip()


def text_line(text: str) -> str | None:
    """``clean_line(text)``, or None for a furniture line (``is_furniture_line``).

    The same as calling both, with one look for furniture characters instead of three: the
    builder passes every line of the document through here.
    """
    s = text.strip()
    if not s:
        return None
    if _CHROME_START.match(s):
        return None
    # One scan finds the first chrome phrase or furniture character, whichever comes first.
    first = _CHROME_OR_HINT.search(s)
    hint = False
    if first is not None:
        if first.group() not in _HINT_CHARACTERS or _CHROME_ANYWHERE.search(s, first.end()):
            return None
        hint = True
    if _PAGE_OF.fullmatch(s) or _BARE_PAGE_NUMBER.fullmatch(s):
        return None
    if hint:
        return None if not strip_furniture(s).strip() else clean_line(text)
    cleaned = text.replace("\u00a0", " ").replace("\u3000", " ")
    if "页" in cleaned and _PAGE_OF.fullmatch(cleaned.strip()):
        cleaned = _PAGE_OF.sub("", cleaned)
    return cleaned.strip()


def _not_wide_runs() -> re.Pattern[str]:
    """Runs of anything but the characters of the Basic Multilingual Plane that take two
    columns (spaces among those excepted)."""
    ranges: list[str] = []
    start = None
    for code in range(0x10001):
        ch = chr(code) if code < 0x10000 else " "
        wide = unicodedata.east_asian_width(ch) in "WF" and not ch.isspace()
        if wide and start is None:
            start = code
        elif not wide and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return re.compile("[^" + "".join(ranges) + "]+")


# Chinese text is nearly all wide characters: one regex finds the few others in C, and only
# those go through the loop over characters (which also covers the planes beyond the BMP: a
# table of those would take 0.1 s to build at import).
_NOT_WIDE = _not_wide_runs()


def width(text: str, limit: int | None = None) -> int:
    """Display width: CJK characters count two columns, spaces nothing (PDF artefacts).

    With ``limit``, a width above it is reported as ``limit + 1``: callers comparing against a
    printed line's width need no more, and whole paragraphs (HTML, Word) are long.
    """
    if limit is not None and len(text) > limit:
        # limit + 1 characters none of which is a space are wider than limit whatever they are.
        head = text[: limit + 1]
        words = head.split()
        if len(words) == 1 and len(words[0]) == len(head):
            return limit + 1
    others = "".join(_NOT_WIDE.findall(text))
    if others.isascii():  # digits, Latin letters, ASCII spaces: one column each but spaces
        narrow = len("".join(others.split()))
    else:
        narrow = _width_by_character(others)
    total = 2 * (len(text) - len(others)) + narrow
    return limit + 1 if limit is not None and total > limit else total


def _width_by_character(text: str) -> int:
    return sum(
        0 if ch.isspace() else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text
    )


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


_CN_NUMERAL_CHARACTERS = frozenset(_CN_DIGITS) | {"十", "百"}


def cn_to_int(numeral: str) -> int | None:
    """ "二十三" → 23, "十" → 10, "12" → 12; None for anything else."""
    s = numeral.strip()
    if s.isdigit():
        return int(s)
    if not s or not _CN_NUMERAL_CHARACTERS.issuperset(s):
        return None
    total, current = 0, 0
    for ch in s:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


_SPACE_BETWEEN_CJK = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》])"
)


def squeeze_cjk_spaces(text: str) -> str:
    """Drop the spaces PDF extraction puts between Chinese characters ("对非 法生产")."""
    return _SPACE_BETWEEN_CJK.sub("", text)
