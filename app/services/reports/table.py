"""The plain table every report figure is returned as (shown, charted and exported alike)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A titled table; the first column labels the rows, `chart` says what to draw.

    chart "stacked" draws columns 1..series as stacked bars; "bars" draws `value_index`.
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = "bars"
    series: int = 1
    value_index: int = 1
    note: str = ""
