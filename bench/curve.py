"""Measure candidates, dashboard and feed at three data sizes and draw the cost curve as SVG.

Run `python -m bench.curve --url postgresql+psycopg://postgres@127.0.0.1:5432/skm_bench`
(`make bench-curve`, part of `make bench`). Scale 1.0 is the data set of `make bench-data` at
`--url`; the smaller scales are generated beside it (`<db>_s0_01`, `<db>_s0_1`). The points go
into `bench/results.json` under "cost_curve" and the chart into `bench/cost-curve.svg`.

Why: the pages must grow with the language's speakers, never with the years of past requests;
a curve over three sizes shows which one it is at a glance.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from xml.sax.saxutils import escape

import sqlalchemy as sa

from bench.context import context, credentials
from bench.generate import generate
from bench.run import METRICS, RESULTS, measure
from bench.server import Client, Gunicorn

SCALES = (0.01, 0.1, 1.0)
CURVE_METRICS = ("candidates_ms", "dashboard_ms", "feed_ms")
SVG = Path(__file__).with_name("cost-curve.svg")
# line dashes and marker shapes as well as colours, so the lines differ in print and for
# people who do not tell the colours apart
STYLES = {"candidates_ms": ("#0b5cab", "", "circle"), "dashboard_ms": ("#a3361b", "6 4", "square"),
          "feed_ms": ("#2f6b2f", "2 3", "diamond")}


def database_for(url: str, scale: float) -> str:
    """Return the data set URL of a scale (1.0 is `url` itself)."""
    if scale == 1.0:
        return url
    suffix = f"_s{scale:g}".replace(".", "_")
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return f"sqlite:///{path.with_name(path.stem + suffix + path.suffix)}"
    return url + suffix


def _has_data(url: str) -> bool:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            found = conn.scalar(sa.text("SELECT count(*) FROM interpreting_request")) > 0
        engine.dispose()
        return found
    except sa.exc.SQLAlchemyError:
        return False


def _sizes(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        sizes = {"requests": conn.scalar(sa.text("SELECT count(*) FROM interpreting_request")),
                 "mediators": conn.scalar(sa.text("SELECT count(*) FROM mediator"))}
    engine.dispose()
    return sizes


def measure_scale(url: str, repeat: int) -> dict:
    """Serve one data set with gunicorn and measure the curve's metrics there."""
    server = Gunicorn(url, workers=2)
    try:
        ctx = context(url, server.secret_key)
        clients: dict[str | None, Client] = {None: Client(server.port)}
        baseline = Client(server.port)
        points: dict[str, dict] = {}
        for metric in (m for m in METRICS if m.name in CURVE_METRICS):
            if metric.role not in clients:
                clients[metric.role] = Client(server.port)
                clients[metric.role].login(*credentials(metric.role, url))
            path = metric.url(ctx)
            points[metric.name] = (measure(clients[metric.role], baseline, path, repeat,
                                           metric.etag) if path else
                                   {"status": "not available yet"})
    finally:
        server.stop()
    return {**_sizes(url), "speakers": ctx["speakers"], "metrics": points}


def growth(curve: list[dict]) -> dict[str, dict]:
    """Compare each metric's growth with the growth of the data and of the speakers."""
    first, last = curve[0], curve[-1]
    out = {}
    for name in CURVE_METRICS:
        a, b = first["metrics"].get(name, {}), last["metrics"].get(name, {})
        if a.get("status") == "ok" and b.get("status") == "ok":
            out[name] = {"p95_factor": round(b["p95"] / a["p95"], 2),
                         "requests_factor": round(last["requests"] / first["requests"], 1),
                         "speakers_factor": round(last["speakers"] / max(1, first["speakers"]),
                                                  1)}
    return out


def _ticks(low: float, high: float) -> list[float]:
    """Return 1-2-5 ticks between two positive numbers (for a log axis)."""
    ticks = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for step in (1, 2, 5):
            value = step * 10 ** exponent
            if low <= value <= high:
                ticks.append(value)
    return ticks


def _label(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g} M"
    if value >= 1000:
        return f"{value / 1000:g} k"
    return f"{value:g}"


def render_svg(curve: list[dict]) -> str:
    """Draw p95 latency against the number of requests, both on log scales."""
    width, height, left, right, top, bottom = 640, 380, 70, 150, 40, 50
    series = {name: [(p["requests"], p["metrics"][name]["p95"]) for p in curve
                     if p["metrics"].get(name, {}).get("status") == "ok"]
              for name in CURVE_METRICS}
    xs = [x for pts in series.values() for x, _ in pts] or [1, 10]
    ys = [y for pts in series.values() for _, y in pts] or [1, 10]
    x_lo, x_hi = 10 ** math.floor(math.log10(min(xs))), 10 ** math.ceil(math.log10(max(xs)))
    y_lo, y_hi = 10 ** math.floor(math.log10(min(ys))), 10 ** math.ceil(math.log10(max(ys)))

    def sx(x: float) -> float:
        span = math.log10(x_hi) - math.log10(x_lo) or 1
        return left + (math.log10(x) - math.log10(x_lo)) / span * (width - left - right)

    def sy(y: float) -> float:
        span = math.log10(y_hi) - math.log10(y_lo) or 1
        return height - bottom - (math.log10(y) - math.log10(y_lo)) / span * (
            height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d" '
             f'font-family="sans-serif" font-size="12">',
             '<title id="t">Cost curve: p95 latency by data size</title>',
             '<desc id="d">' + escape("; ".join(
                 f"{name}: " + ", ".join(f"{_label(x)} requests {y:.1f} ms" for x, y in pts)
                 for name, pts in series.items())) + "</desc>",
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for tick in _ticks(x_lo, x_hi):
        x = sx(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" '
                     f'stroke="#dddddd"/><text x="{x:.1f}" y="{height - bottom + 16}" '
                     f'text-anchor="middle">{_label(tick)}</text>')
    for tick in _ticks(y_lo, y_hi):
        y = sy(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="#dddddd"/><text x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{_label(tick)}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" '
                 f'text-anchor="middle">requests in the database (log scale)</text>')
    parts.append(f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {(top + height - bottom) / 2})">'
                 f'p95 in ms (log scale)</text>')
    for row, (name, pts) in enumerate(series.items()):
        colour, dash, shape = STYLES[name]
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                     f'stroke-width="2" stroke-dasharray="{dash}"/>')
        for x, y in pts:
            parts.append(_marker(shape, sx(x), sy(y), colour))
            parts.append(f'<text x="{sx(x) + 6:.1f}" y="{sy(y) - 6:.1f}" fill="{colour}">'
                         f'{y:.0f}</text>')
        ly = top + 10 + row * 20
        lx = width - right + 16
        parts.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{colour}" '
                     f'stroke-width="2" stroke-dasharray="{dash}"/>')
        parts.append(_marker(shape, lx + 12, ly, colour))
        parts.append(f'<text x="{lx + 30}" y="{ly + 4}">{escape(name.removesuffix("_ms"))}'
                     f'</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--scales", default=",".join(f"{s:g}" for s in SCALES))
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    curve = []
    for scale in sorted(float(s) for s in args.scales.split(",")):
        url = database_for(args.url, scale)
        if scale != 1.0 or not _has_data(url):
            generate(url, scale=scale)
        point = {"scale": scale, **measure_scale(url, args.repeat)}
        curve.append(point)
        print(f"scale {scale:g}: {point['requests']} requests, " + ", ".join(
            f"{name} p95 {m.get('p95', '-')} ms" for name, m in point["metrics"].items()))
    payload = json.loads(args.out.read_text()) if args.out.exists() else {}
    payload["cost_curve"] = {"points": curve, "growth": growth(curve) if curve else {}}
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    svg = args.out.with_name(SVG.name)
    svg.write_text(render_svg(curve))
    for name, g in payload["cost_curve"]["growth"].items():
        print(f"{name}: p95 x{g['p95_factor']} while requests x{g['requests_factor']} and "
              f"speakers x{g['speakers_factor']}")
    print(f"written to {args.out} and {svg}")


if __name__ == "__main__":
    main()
