"""Word automatic numbering: the number a numbered paragraph shows, computed from numbering.xml.

The text of a paragraph with automatic numbering lacks its "一、" or "（一）"; the builder needs
it to find chapters and items, so the reader works out what Word would display.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el: etree._Element | None, attr: str = "val") -> str | None:
    if el is None:
        return None
    return el.get(_w(attr))


def _int(value: str | None, default: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return default


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # None: after any higher level; 0: never
    legal: bool = False
    style: str | None = None


@dataclass
class Num:
    abstract_id: str
    overrides: dict[int, Level | int] = field(default_factory=dict)


_DIGITS = "零一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def chinese_number(n: int, digits: str = _DIGITS, units: str = "十百千") -> str:
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    parts: list[str] = []
    values = [(1000, units[2]), (100, units[1]), (10, units[0]), (1, "")]
    zero = False
    for value, unit in values:
        d = n // value % 10
        if d == 0:
            if parts:
                zero = True
            continue
        if zero:
            parts.append(digits[0])
            zero = False
        parts.append(digits[d] + unit)
    text = "".join(parts)
    # 10-19 read 十, 十一 … in counting style, not 一十一.
    if 10 <= n < 20 and digits is _DIGITS:
        text = text[1:]
    return text


def _letters(n: int) -> str:
    # Word repeats the letter: 27 → AA, 28 → BB.
    n = max(n, 1)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting"):
        return chinese_number(n)
    if fmt in ("taiwaneseCounting", "taiwaneseCountingThousand", "japaneseDigitalTenThousand"):
        return chinese_number(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        return chinese_number(n, _LEGAL, "拾佰仟")
    if fmt in ("ideographTraditional",):
        return _TIANGAN[(n - 1) % 10]
    if fmt in ("ideographZodiac", "ideographZodiacTraditional"):
        return _DIZHI[(n - 1) % 12]
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    return str(n)


def _parse_level(lvl: etree._Element, base: Level | None = None) -> Level:
    level = Level(**vars(base)) if base else Level()
    start = lvl.find(_w("start"))
    if start is not None:
        level.start = _int(_val(start), 1) or 0
    fmt = lvl.find(_w("numFmt"))
    if fmt is not None:
        level.fmt = _val(fmt) or "decimal"
    text = lvl.find(_w("lvlText"))
    if text is not None:
        level.text = _val(text) or ""
    restart = lvl.find(_w("lvlRestart"))
    if restart is not None:
        level.restart = _int(_val(restart))
    legal = lvl.find(_w("isLgl"))
    if legal is not None:
        level.legal = _val(legal) not in ("0", "false", "off")
    style = lvl.find(_w("pStyle"))
    if style is not None:
        level.style = _val(style)
    return level


class Numbering:
    """numbering.xml, plus the counters of a pass through the document in reading order."""

    def __init__(self, root: etree._Element | None, style_num: dict[str, tuple[str, int | None]]):
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNum id → style it takes its list from
        self.nums: dict[str, Num] = {}
        self.style_num = style_num
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for ab in root.iter(_w("abstractNum")):
            aid = ab.get(_w("abstractNumId"))
            if aid is None:
                continue
            levels: dict[int, Level] = {}
            for lvl in ab.findall(_w("lvl")):
                ilvl = _int(lvl.get(_w("ilvl")))
                if ilvl is not None and 0 <= ilvl <= 8:
                    levels[ilvl] = _parse_level(lvl)
            self.abstracts[aid] = levels
            link = ab.find(_w("numStyleLink"))
            if link is not None and _val(link):
                self.style_links[aid] = _val(link) or ""
        for num in root.iter(_w("num")):
            nid = num.get(_w("numId"))
            ab = num.find(_w("abstractNumId"))
            if nid is None or ab is None or _val(ab) is None:
                continue
            entry = Num(abstract_id=_val(ab) or "")
            for override in num.findall(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")))
                if ilvl is None:
                    continue
                lvl = override.find(_w("lvl"))
                start = override.find(_w("startOverride"))
                if lvl is not None:
                    entry.overrides[ilvl] = _parse_level(lvl)
                elif start is not None:
                    entry.overrides[ilvl] = _int(_val(start), 1) or 0
            self.nums[nid] = entry

    def _levels(self, num: Num) -> dict[int, Level]:
        aid = num.abstract_id
        # numStyleLink: this list is defined by the numbering of a style; follow it once.
        for _ in range(3):
            if aid in self.style_links:
                linked = self.style_num.get(self.style_links[aid])
                target = self.nums.get(linked[0]) if linked else None
                if target is None:
                    break
                aid = target.abstract_id
            else:
                break
        levels = dict(self.abstracts.get(aid, {}))
        for ilvl, override in num.overrides.items():
            if isinstance(override, Level):
                levels[ilvl] = override
            elif ilvl in levels:
                levels[ilvl] = Level(**{**vars(levels[ilvl]), "start": override})
        return levels

    def level_for_style(self, num_id: str, style_id: str) -> int:
        num = self.nums.get(num_id)
        if num is None:
            return 0
        for ilvl, level in self._levels(num).items():
            if level.style == style_id:
                return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> str:
        """Advance the counters for one paragraph and return the number it shows."""
        num = self.nums.get(num_id)
        if num is None or num_id == "0":
            return ""
        levels = self._levels(num)
        level = levels.get(ilvl)
        if level is None:
            return ""
        # Lists that share an abstract definition share counters, unless a list restarts it.
        key = f"num:{num_id}" if num.overrides else f"abs:{num.abstract_id}"
        counts = self.counters.setdefault(key, {})
        current = counts.get(ilvl)
        counts[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            deeper_level = levels.get(deeper)
            restart = deeper_level.restart if deeper_level else None
            if restart is None or (restart != 0 and ilvl <= restart - 1):
                counts.pop(deeper, None)
        if level.fmt in ("bullet", "none") and "%" not in level.text:
            return "" if level.fmt == "bullet" else level.text.strip()
        text = level.text
        out: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "%" and i + 1 < len(text) and text[i + 1].isdigit():
                ref = int(text[i + 1]) - 1
                ref_level = levels.get(ref, Level())
                value = counts.get(ref)
                if value is None:
                    value = ref_level.start
                fmt = "decimal" if level.legal else ref_level.fmt
                out.append(format_number(value, fmt))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out).strip()
