"""Judge latencies as multiples of `/healthz`, measured in the same run and interleaved.

Why: on the shared benchmark machine absolute times drift by about ±50 % from hour to hour, so
a fixed millisecond target flips between runs. A trivial endpoint measured in alternating
rounds (A B A B, never all A then all B) drifts with the machine, and the ratio keeps still.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

from bench.stats import summarise

BASELINE_PATH = "/healthz"


def interleaved(client, baseline_client, path: str, repeat: int,
                headers: dict | None = None,
                budget_s: float = 60.0) -> tuple[list[float], list[float], int | None]:
    """Alternate one GET of `/healthz` and one of `path`; return both sample lists in ms.

    The third value is the first 5xx status seen (the caller reports an error), else None.
    A slow endpoint stops after `budget_s` once it has 30 samples, so one slow report does
    not stretch a run to many minutes.
    """
    samples: list[float] = []
    baseline: list[float] = []
    deadline = time.perf_counter() + budget_s
    for _ in range(repeat):
        if len(samples) >= 30 and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        baseline_client.get(BASELINE_PATH)
        baseline.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        status, _, _ = client.get(path, headers=headers or {})
        samples.append((time.perf_counter() - started) * 1000)
        if status >= 500:
            return samples, baseline, status
    return samples, baseline, None


def ratio_summary(samples: Sequence[float], baseline: Sequence[float]) -> dict:
    """Summarise a metric's samples with their ratio to the interleaved baseline's p50.

    The verdict is judged on `ratio_p95` = p95 of the metric / p50 of `/healthz`.
    """
    own, base = summarise(samples), summarise(baseline)
    return {**own, "baseline_p50": base["p50"],
            "ratio_p50": round(own["p50"] / base["p50"], 2),
            "ratio_p95": round(own["p95"] / base["p50"], 2)}


def combine_runs(runs: Sequence[dict], ratio_target: float | None,
                 higher_is_better: bool = False) -> dict:
    """Fold several runs of one metric into one entry: median figures, spread and verdict.

    A ratio target counts as met only when every run meets it ("met in 3 of 3 runs"); the
    spread is (max − min) / median of the runs' ratios, the figure the note reports.
    """
    ok = [r for r in runs if r.get("status") == "ok"]
    if not ok:
        return dict(runs[-1]) if runs else {"status": "not available yet"}
    key = "value" if "value" in ok[0] and "ratio_p95" not in ok[0] else "ratio_p95"
    ratios = [r[key] for r in ok]
    middle = sorted(ok, key=lambda r: r[key])[len(ok) // 2]
    entry = {k: v for k, v in middle.items() if k != "runs"}
    entry["runs"] = [{k: r[k] for k in ("p50", "p95", "baseline_p50", "ratio_p95", "value")
                      if k in r} for r in ok]
    median = statistics.median(ratios)
    entry["ratio_spread"] = round((max(ratios) - min(ratios)) / median, 3) if median else 0.0
    if ratio_target is not None:
        met = sum(1 for v in ratios if (v >= ratio_target if higher_is_better
                                         else v <= ratio_target))
        entry["ratio_target"] = ratio_target
        entry["verdict"] = "met" if met == len(ratios) else "missed"
        entry["verdict_note"] = f"met in {met} of {len(ratios)} runs"
    return entry
