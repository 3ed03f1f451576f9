"""Summarise timing samples: percentiles the same way numpy's default (linear) does."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """Return the q-th percentile (0..100) with linear interpolation between ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(samples_ms: Sequence[float]) -> dict[str, float]:
    """Return n, p50, p95 and max of latency samples in milliseconds (rounded to 0.01)."""
    return {"n": len(samples_ms), "p50": round(percentile(samples_ms, 50), 2),
            "p95": round(percentile(samples_ms, 95), 2), "max": round(max(samples_ms), 2)}


def verdict(value: float | None, target: float, higher_is_better: bool) -> str:
    """Say whether a value meets its target ('met' / 'missed'), or '-' without a value."""
    if value is None:
        return "-"
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "missed"
