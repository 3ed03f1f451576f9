"""Figures for the office and the council: period statistics, pool figures, the yearly report,
CSV/XLSX exports, SVG charts and the table type they share."""
