"""Draw report tables as server-rendered, accessible inline SVG bar charts.

Why: no CDN and no inline script are allowed, and a chart must not rely on colour alone. So
charts are plain SVG with a title, every bar carries its number as text, stacked segments
also differ by pattern, and the legend names each series. The numbers themselves are in the
table shown beside every chart.
"""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.services.reports.table import Table

WIDTH = 640
LABEL_W = 170
BAR_H = 22
GAP = 8
COLOURS = ("#185c1d", "#7a4b00", "#a30000", "#4a4a4a", "#00528c")
# one pattern per series so the segments differ without colour: solid, dots, stripes, grid
PATTERNS = ("", "dots", "stripes", "cross", "lines")


def _defs(prefix: str) -> str:
    parts = []
    for index, pattern in enumerate(PATTERNS):
        colour = COLOURS[index]
        if not pattern:
            continue
        shape = {
            "dots": '<circle cx="3" cy="3" r="1.6" fill="#fff"/>',
            "stripes": '<path d="M0 6 L6 0" stroke="#fff" stroke-width="1.5"/>',
            "cross": '<path d="M0 3 H6 M3 0 V6" stroke="#fff" stroke-width="1.2"/>',
            "lines": '<path d="M0 3 H6" stroke="#fff" stroke-width="1.4"/>',
        }[pattern]
        parts.append(
            f'<pattern id="{prefix}-p{index}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{colour}"/>{shape}</pattern>'
        )
    return "<defs>" + "".join(parts) + "</defs>"


def _fill(prefix: str, index: int) -> str:
    return f"url(#{prefix}-p{index})" if PATTERNS[index] else COLOURS[index]


def label_lines(text: str, limit: int = 26) -> list[str]:
    """Break a row label into at most two lines at spaces, never inside a word.

    Why: cutting at a fixed length made "Kindertageseinrichtung" and "Nicht besetzte Anfr…"
    unreadable. Whatever does not fit two lines ends in "…" after a whole word; the full label
    is in the bar's tooltip and in the table beside the chart.
    """
    words = str(text).split()
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        elif len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] += " …"
            break
    return lines or [""]


def _number(value) -> str:
    from flask_babel import format_decimal

    return format_decimal(value) if value is not None else ""


def render(table: Table, max_rows: int = 12) -> Markup:
    """Return the table as an SVG chart (top `max_rows` rows); empty tables give a note."""
    rows = table.rows[:max_rows]
    if not rows:
        return Markup('<p class="muted">{}</p>').format(_("No data in this period."))
    prefix = f"chart-{table.key}"
    series = list(range(1, 1 + table.series)) if table.chart == "stacked" else [table.value_index]
    totals = [sum(float(row[i] or 0) for i in series) for row in rows]
    top = max(totals) or 1
    legend_h = 28 if table.chart == "stacked" else 0
    height = legend_h + len(rows) * (BAR_H + GAP) + GAP
    scale = (WIDTH - LABEL_W - 60) / top
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{prefix}-title">{escape(table.title)}</title>',
        f'<desc id="{prefix}-desc">{escape(_("The numbers are in the table next to the chart."))}'
        "</desc>",
    ]
    if table.chart == "stacked":
        out.append(_defs(prefix))
        x = 0
        for index in series:
            name = escape(table.columns[index])
            fill = _fill(prefix, index - 1)
            out.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{fill}"/>'
                       f'<text x="{x + 18}" y="18" class="chart-legend">{name}</text>')
            x += 24 + 8 * len(str(table.columns[index]))
    for n, row in enumerate(rows):
        y = legend_h + GAP + n * (BAR_H + GAP)
        lines = label_lines(row[0])
        first_y = y + (16 if len(lines) == 1 else 10)
        spans = "".join(f'<tspan x="{LABEL_W - 6}" y="{first_y + 12 * i}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        out.append(f'<text text-anchor="end" class="chart-label">'
                   f"<title>{escape(row[0])}</title>{spans}</text>")
        x = float(LABEL_W)
        for index in series:
            value = float(row[index] or 0)
            if value <= 0:
                continue
            w = value * scale
            fill = _fill(prefix, index - 1) if table.chart == "stacked" else COLOURS[4]
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" '
                       f'fill="{fill}"><title>{escape(table.columns[index])}: '
                       f"{escape(_number(row[index]))}</title></rect>")
            x += w
        shown = _number(row[series[0]]) if len(series) == 1 else _number(int(totals[n]))
        out.append(f'<text x="{x + 6:.1f}" y="{y + 16}" class="chart-value">{escape(shown)}</text>')
    out.append("</svg>")
    # every piece of text above went through escape(); the rest is our own markup
    return Markup("".join(out))  # noqa: S704
