"""The plain table every report figure is returned as (shown, charted and exported alike)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A titled table; the first column labels the rows, `chart` says what to draw.

    chart "stacked" draws columns 1..series as stacked bars; "bars" draws `value_index`.
    `short` names the table where space is short (a workbook's sheet: at most 31 characters;
    a CSV file's name); without it the title is used.
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = "bars"
    series: int = 1
    value_index: int = 1
    note: str = ""
    short: str = ""

    @property
    def short_title(self) -> str:
        return self.short or self.title
