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
# Lines that only a web page around the notice has: navigation, font size, print buttons.
_CHROME = re.compile(
    r"当前位置|字体大小|字号[:：]?\s*[【\[]?[大中小]|【\s*大\s*】|打印本页|关闭窗口|保存为\s*word|"
    r"^\s*(打印|关闭|返回顶部|分享到|扫一扫|收藏|今天是)|热点查询|网站地图|浏览次数|访问量|"
    r"^\s*图文解读|^\s*首页\s*[>＞]|\|\s*\S+政府\s*\|",
    re.IGNORECASE,
)


def strip_furniture(text: str) -> str:
    """Remove page numbers and bookmarks glued to text; keep everything else as it is."""
    text = _BOOKMARK.sub("", text)
    text = _PAGE_NUMBER.sub("", text)
    return text


def is_furniture_line(text: str) -> bool:
    """A whole line that is page furniture or web-page chrome, not notice text."""
    s = text.strip()
    if not s:
        return True
    if _CHROME.search(s):
        return True
    if _PAGE_OF.fullmatch(s) or re.fullmatch(r"\d{1,3}|\d{1,3}\s*/\s*\d{1,3}", s):
        return True  # "第3页", or a bare page number a PDF prints without dashes
    return not strip_furniture(s).strip()


def clean_line(text: str) -> str:
    """Furniture removed and outer whitespace (including full-width spaces) trimmed."""
    s = strip_furniture(text.replace("\u00a0", " ").replace("\u3000", " "))
    s = _PAGE_OF.sub("", s) if _PAGE_OF.fullmatch(s.strip()) else s
    return s.strip()


def width(text: str, limit: int | None = None) -> int:
    """Display width: CJK characters count two columns, spaces nothing (PDF artefacts).

    With ``limit``, counting stops once the width passes it (the result is then just above
    ``limit``): callers comparing against a printed line's width need no more, and whole
    paragraphs (HTML, Word) are long.
    """
    total = 0
    for ch in text:
        if ch.isspace():
            continue
        total += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if limit is not None and total > limit:
            break
    return total


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


def cn_to_int(numeral: str) -> int | None:
    """ "二十三" → 23, "十" → 10, "12" → 12; None for anything else."""
    s = numeral.strip()
    if s.isdigit():
        return int(s)
    if not s or any(ch not in _CN_DIGITS and ch not in "十百" for ch in s):
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
