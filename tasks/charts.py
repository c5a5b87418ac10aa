"""Charts drawn on the server as inline SVG: no JavaScript, no external file, printable.

Pure functions: figures in, an SVG string out (a ``SafeString``, every text escaped here).
Text is black; bars are hatched and lines differ by dash and marker shape, and every value is
written next to its bar or point, so that a black-and-white printout reads as well as the screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "Microsoft YaHei, PingFang SC, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
TEXT = "#000"
GRID = "#d1d5db"
CHAR_WIDTH = 13  # a CJK character at font-size 13


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    """12 → "12", 33.333 → "33.3"."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _text_width(text: str) -> int:
    """Rough width at font-size 13: CJK characters are square, others about half."""
    return sum(CHAR_WIDTH if ord(c) > 0x2E80 else CHAR_WIDTH // 2 + 1 for c in text)


def _svg(width: int, height: int, title: str, body: list[str], chart_id: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_e(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{_e(chart_id)}-title" font-family="{FONT}" font-size="13" '
        f'fill="{TEXT}"><title id="{_e(chart_id)}-title">{_e(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    chart_id: str = "bars",
    suffix: str = "%",
    max_value: float = 100.0,
    empty_text: str = "暂无数据",
) -> SafeString:
    """Horizontal bars, one per (name, value); ``None`` is drawn as "—" (nothing to show)."""
    label_w = min(max([_text_width(name) for name, _ in rows] + [60]) + 12, 230)
    plot_w, bar_h, gap, top = 420, 16, 8, 28
    width = label_w + plot_w + 70
    height = top + max(len(rows), 1) * (bar_h + gap) + 8
    pattern = f"{chart_id}-hatch"
    body = [
        f'<defs><pattern id="{_e(pattern)}" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#93c5fd"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1e3a8a" stroke-width="2"/>'
        "</pattern></defs>"
    ]
    bottom = height - 8
    for step in range(5):
        value = max_value * step / 4
        x = label_w + plot_w * step / 4
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" font-size="11">'
            f"{_e(_number(value) + suffix)}</text>"
        )
    if not rows:
        body.append(f'<text x="{label_w}" y="{top + bar_h}">{_e(empty_text)}</text>')
    for i, (name, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        shown = name if _text_width(name) <= label_w - 12 else name[: (label_w - 24) // 13] + "…"
        text = "—" if value is None else _number(value) + suffix
        bar_w = 0.0 if value is None else plot_w * max(0.0, min(value, max_value)) / max_value
        body.append(
            f'<g class="bar"><title>{_e(name)}：{_e(text)}</title>'
            f'<text x="{label_w - 8}" y="{y + bar_h - 3}" text-anchor="end">{_e(shown)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar_w:.1f}" height="{bar_h}" '
            f'fill="url(#{_e(pattern)})" stroke="#1e3a8a"/>'
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + bar_h - 3}">{_e(text)}</text></g>'
        )
    return _svg(width, height, title, body, chart_id)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | float]


# How each series is told apart without colour: dash pattern and marker shape.
_STYLES = [
    {"color": "#166534", "dash": "", "marker": "circle"},
    {"color": "#b91c1c", "dash": "6 4", "marker": "square"},
    {"color": "#1e3a8a", "dash": "2 3", "marker": "triangle"},
]


def _nice_max(value: float) -> tuple[float, float]:
    """A round top for the axis, and the step between at most five ticks."""
    if value <= 4:
        return 4.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step), step


def _marker(kind: str, x: float, y: float, color: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{color}"/>'
    if kind == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{color}"/>'
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="{color}" stroke-width="2"/>'
    )


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    chart_id: str = "trend",
    empty_text: str = "暂无数据",
) -> SafeString:
    """A line per series over ``labels`` (months), with a legend and every value written."""
    left, right, top, bottom = 44, 16, 40, 30
    plot_w, plot_h = 560, 200
    width, height = left + plot_w + right, top + plot_h + bottom
    peak = max([v for s in series for v in s.values] + [0])
    axis_max, step = _nice_max(peak)
    body: list[str] = []
    # Legend: a sample of each line with its marker and its name.
    x = left
    for i, s in enumerate(series):
        st = _STYLES[i % len(_STYLES)]
        dash = f' stroke-dasharray="{st["dash"]}"' if st["dash"] else ""
        body.append(
            f'<g class="legend"><line x1="{x}" y1="14" x2="{x + 28}" y2="14" '
            f'stroke="{st["color"]}" stroke-width="2"{dash}/>'
            + _marker(st["marker"], x + 14, 14, st["color"])
            + f'<text x="{x + 34}" y="18">{_e(s.name)}</text></g>'
        )
        x += 34 + _text_width(s.name) + 24
    # Axis and grid.
    ticks = round(axis_max / step)
    for t in range(ticks + 1):
        value = step * t
        y = top + plot_h - plot_h * value / axis_max
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{_e(_number(value))}</text>"
        )
    if not labels:
        body.append(f'<text x="{left + 10}" y="{top + plot_h / 2:.0f}">{_e(empty_text)}</text>')
        return _svg(width, height, title, body, chart_id)
    slot = plot_w / len(labels)

    def at(i: int, v: float) -> tuple[float, float]:
        return left + slot * (i + 0.5), top + plot_h - plot_h * v / axis_max

    for i, label in enumerate(labels):
        body.append(
            f'<text x="{at(i, 0)[0]:.1f}" y="{top + plot_h + 18}" text-anchor="middle">'
            f"{_e(label)}</text>"
        )
    for n, s in enumerate(series):
        st = _STYLES[n % len(_STYLES)]
        points = [at(i, v) for i, v in enumerate(s.values)]
        dash = f' stroke-dasharray="{st["dash"]}"' if st["dash"] else ""
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts = [
            f'<g class="series"><title>{_e(s.name)}</title>'
            f'<polyline points="{path}" fill="none" stroke="{st["color"]}" stroke-width="2"{dash}/>'
        ]
        for i, ((px, py), v) in enumerate(zip(points, s.values, strict=False)):
            parts.append(_marker(st["marker"], px, py, st["color"]))
            if not v:
                continue  # a zero sits on the axis: writing it would only crowd the picture
            # The highest value of a month is written above its point, the others below (when
            # there is room), so that the numbers of two lines do not sit on each other.
            others = [
                (k, o.values[i]) for k, o in enumerate(series) if k != n and i < len(o.values)
            ]
            highest = all(v > ov or (v == ov and n < k) for k, ov in others)
            below = not highest and py + 18 < top + plot_h
            parts.append(
                f'<text x="{px:.1f}" y="{py + 16 if below else py - 8:.1f}" '
                f'text-anchor="middle" font-size="11">{_e(_number(v))}</text>'
            )
        parts.append("</g>")
        body.append("".join(parts))
    return _svg(width, height, title, body, chart_id)
