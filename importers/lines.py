"""Re-joining lines into paragraphs: what PDF extraction and pasting break, put back together.

Two shapes arrive. In *flowing* text each line is a paragraph (Word, web pages), and a line that
stops mid-sentence (no 。！？；：) simply continues on the next. In *hard-wrapped* text (PDF
extraction) every printed line is a line: a paragraph ends where a line ending a sentence is
shorter than the measure, or where the next line is short and open because its bold heading
was lost. PDF extraction also moves a heading into the middle of the paragraph before it
(GB/T 9704 headings sit on their own lines, so a heading met while a sentence is still open
belongs after that paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from importers.textutil import squeeze_cjk_spaces, width
from importers.units import trailing_unit_list

CHAPTER = re.compile(r"^\s*([一二三四五六七八九十百]{1,3})\s*[、.．]\s*(?!是)")
ITEM = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十百]{1,3})\s*[)）]\s*")
SUB = re.compile(r"^\s*(\d{1,2})\s*[.．、](?![\d.．])\s*")
SUBSUB = re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[)）]\s*")
# The four in one, tried in the same order: group N holds the number of a level-N marker.
MARKER = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in (CHAPTER, ITEM, SUB, SUBSUB)))
_TERMINAL = re.compile(r"[。！？!?；;：:…]\s*[”’」』）)\]】]*\s*$")
_TERMINAL_MARKS = tuple("。！？!?；;：:…")
_CLOSERS = "”’」』）)]】"
# "森林草原火灾：……": a short label naming the topic of the sentences after it.
LABEL = re.compile(
    r"^(?!其中|例如|比如|如|即|注|备注|说明|包括)([^\s，,。；;：:、“”《》()（）]{2,12})[：:]\s*(?=\S)"
)
_SENTENCE_MARK = re.compile(r"[。！？!?；;]")
_GAP = re.compile(r"[。！？!?]\s+(?=\S)")


# What a marker opens with after the indent; any other text is body text. (SUB's \d is any
# Unicode decimal digit, as str.isdecimal tells.)
_MARKER_OPENERS = frozenset("一二三四五六七八九十百（(")


def opens_like_marker(text: str) -> bool:
    """False when ``text`` certainly has no heading marker: most lines, told without a regex."""
    first = text.lstrip()[:1]
    return first in _MARKER_OPENERS or first.isdecimal()


def marker_level(text: str) -> int:
    """1 for 一、, 2 for （一）, 3 for 1., 4 for （1）, 0 for body text."""
    if not opens_like_marker(text):
        return 0
    m = MARKER.match(text)
    return (m.lastindex or 0) if m else 0


def is_terminal(text: str) -> bool:
    s = text.rstrip()
    # _TERMINAL read from the end: a regex search would try every position of the line.
    if s.rstrip(_CLOSERS).rstrip().endswith(_TERMINAL_MARKS):
        return True
    return bool(s.endswith(("）", ")")) and trailing_unit_list(s))


@dataclass
class _Wrap:
    full: int  # the width of a full printed line

    def short(self, line: str, slack: int = 6) -> bool:
        return width(line, self.full) <= self.full - slack


def detect_wrap(lines: list[str]) -> _Wrap | None:
    """Hard-wrapped text: most lines share one width, and that width is a printed line's."""
    # A quarter of the lines wider than 140 columns puts the 75th percentile below past it: no
    # need to measure the others. (Paragraphs of a web page or a Word file are one line each.)
    wide = sum(1 for s in lines if _surely_wider_than_150(s))
    if wide * 4 >= len(lines) and wide:
        return None
    # Widths past 150 columns only need to be known as "wider than any printed line".
    widths = sorted(w for w in (width(s, 150) for s in lines) if w >= 16)
    if len(widths) < 12:
        return None
    full = widths[int(len(widths) * 0.75)]
    if full > 140:
        return None
    near = sum(1 for w in widths if full - 6 <= w <= full + 4)
    return _Wrap(full) if near >= len(widths) * 0.5 else None


def _surely_wider_than_150(line: str) -> bool:
    """151 characters none of which is a space are wider than 150 columns."""
    if len(line) <= 150:
        return False
    words = line[:151].split()
    return len(words) == 1 and len(words[0]) == 151


def _heading_only(current: list[str]) -> bool:
    """The paragraph so far is a heading line with no sentence in it yet."""
    # A heading spans at most three printed lines; the bound also keeps this cheap.
    return (
        0 < len(current) <= 3
        and bool(marker_level(current[0]))
        and not _SENTENCE_MARK.search("".join(current))
    )


def _boundary(current: list[str], nxt: str, wrap: _Wrap | None) -> bool:
    """Does a new paragraph start between the paragraph so far and line ``nxt``?"""
    if marker_level(nxt):
        return True
    prev = current[-1]
    terminal = is_terminal(prev)
    if _heading_only(current) and not terminal:
        if wrap is None:
            # A typed heading on its own line ("一、总体要求") is followed by its body.
            return len("".join(current)) <= 60
        # A heading runs on unless its line ended early, or the next line is itself the open
        # first line of a paragraph (short, with punctuation: "持续深化瓦斯、水、顶板等灾害防治，").
        return wrap.short(prev) or (
            wrap.short(nxt, 8) and not is_terminal(nxt) and bool(re.search(r"[，,。；;：:、]", nxt))
        )
    if wrap is None:
        return terminal
    next_open_short = wrap.short(nxt, 8) and not is_terminal(nxt)
    if terminal:
        # A label opening a line after a full stop ("气象灾害：……") opens a paragraph.
        return wrap.short(prev) or next_open_short or bool(LABEL.match(nxt))
    # A short open line standing alone, followed by another: both are first lines that lost
    # their headings (or the first is what is left of a heading).
    return len(current) == 1 and not marker_level(prev) and wrap.short(prev) and next_open_short


def _split_gap(line: str, wrap: _Wrap | None) -> list[str]:
    """A short printed line with a gap after a full stop lost an inline heading there."""
    if wrap is None or not wrap.short(line):
        return [line]
    gaps = list(_GAP.finditer(line))
    if not gaps:
        return [line]
    cut = gaps[-1].end()
    return [line[:cut].rstrip(), line[cut:]]


def join_lines(lines: list[str], indented: list[bool] | None = None) -> list[str]:
    """Logical paragraphs from lines, headings put back where they belong.

    ``indented`` marks lines that began with a first-line indent: when only some lines have
    one (a PDF keeps the indent of each paragraph's first line), each of them opens a paragraph.
    """
    wrap = detect_wrap(lines)
    use_indent = bool(indented) and 0 < sum(indented or []) < 0.6 * len(lines)
    pieces: list[tuple[str, bool]] = []  # (text, starts a paragraph for certain)
    for index, line in enumerate(lines):
        parts = _split_gap(line.strip(), wrap)
        pieces.append((parts[0], use_indent and bool(indented and indented[index])))
        if len(parts) == 2:
            pieces.append((parts[1], True))
    paragraphs: list[str] = []
    current: list[str] = []
    deferred: list[str] = []

    def finish(parts: list[str]) -> None:
        text = "".join(parts)
        paragraphs.append(squeeze_cjk_spaces(text) if wrap else text)

    for index, (piece, forced) in enumerate(pieces):
        if not piece:
            continue
        if not current:
            current.append(piece)
            continue
        if (
            wrap is not None
            and marker_level(piece)
            and not _heading_only(current)
            and _heading_only([piece])
            and wrap.short(piece, 4)
            and not is_terminal(current[-1])
            and not re.search(r"[，,、；;]\s*$", piece)
        ):
            later = pieces[index + 1][0] if index + 1 < len(pieces) else ""
            if later and not marker_level(later) and not _boundary(current, later, wrap):
                # A heading moved into an open paragraph: it follows that paragraph.
                deferred.append(piece)
                continue
        if forced or _boundary(current, piece, wrap):
            finish(current)
            current.clear()
            for heading in deferred:
                finish([heading])
            deferred.clear()
        current.append(piece)
    if current:
        finish(current)
    for heading in deferred:
        finish([heading])
    return [p for p in paragraphs if p.strip()]
