"""Charts drawn on the server as SVG: no script, no outside library, readable without colour
(every bar carries its number)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from states.numbers import vn_number

BAR = "#8b1a1a"
SECOND = "#c9a227"
GRID = "#cccccc"
TEXT = "#222222"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    #: a target drawn as a tick across the bar (None: no target)
    target: int | None = None
    #: written after the figures, e.g. the share of the target reached
    note: str = ""


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 (every text is escaped)


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{TEXT}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def horizontal_bars(title: str, bars: Sequence[Bar], *, width: int = 720) -> Markup:
    """One bar per row, label on the left, value after the bar, target as a dark tick."""
    label_w, row_h, top = 300, 24, 8
    height = top + row_h * max(len(bars), 1) + 8
    scale_max = max([1, *(b.value for b in bars), *(b.target or 0 for b in bars)])
    room = width - label_w - (140 if any(b.note for b in bars) else 60)
    body: list[str] = []
    if not bars:
        body.append(_text(8, 24, "Chưa có số liệu"))
    for i, bar in enumerate(bars):
        y = top + i * row_h
        label = bar.label if len(bar.label) <= 44 else bar.label[:43] + "…"
        body.append(_text(label_w - 8, y + 16, label, anchor="end"))
        w = room * bar.value / scale_max
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{BAR}"/>'
        )
        shown = vn_number(bar.value)
        if bar.target is not None:
            shown += f"/{vn_number(bar.target)}"
        if bar.note:
            shown += f" ({bar.note})"
        body.append(_text(label_w + w + 6, y + 16, shown))
        if bar.target:
            x = label_w + room * bar.target / scale_max
            body.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + row_h - 1}" '
                f'stroke="{TEXT}" stroke-width="2"/>'
            )
    return _svg(width, height, title, body)


def monthly_columns(
    title: str, months: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
) -> Markup:
    """Grouped columns per month (``months`` as labels), one colour per series, with a legend."""
    width, height, left, bottom, top = 720, 260, 36, 40, 28
    colours = (BAR, SECOND)
    highest = max([1, *(v for _name, values in series for v in values)])
    tick = -(-highest // 4)  # whole-number gridlines
    peak = tick * 4
    plot_h = height - bottom - top
    slot = (width - left - 8) / max(len(months), 1)
    bar_w = max(4.0, (slot - 6) / max(len(series), 1))
    body: list[str] = []
    for step in range(5):
        value = tick * step
        y = top + plot_h - plot_h * step / 4
        body.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 4, y + 4, vn_number(value), anchor="end", size=10))
    for m, month in enumerate(months):
        x0 = left + m * slot + 3
        for s, (_name, values) in enumerate(series):
            value = values[m]
            h = plot_h * value / peak
            x = x0 + s * bar_w
            body.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{colours[s % 2]}"/>'
            )
            if value:
                body.append(
                    _text(
                        x + bar_w / 2,
                        top + plot_h - h - 3,
                        vn_number(value),
                        anchor="middle",
                        size=9,
                    )
                )
        body.append(_text(x0 + slot / 2 - 3, height - bottom + 16, month, anchor="middle", size=10))
    for s, (name, _values) in enumerate(series):
        x = left + s * 220
        body.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colours[s % 2]}"/>')
        body.append(_text(x + 18, 16, name))
    return _svg(width, height, title, body)
