"""Report figures against hand-computed values on the fixed data set (tests/reports/report_data.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.labels import label
from app.services.core.errors import DomainError
from app.services.core.languages import language_name
from app.services.core.periods import (
    custom_period,
    month_bucket,
    month_period,
    quarter_period,
    year_period,
)
from app.services.reports import statistics as reports
from app.services.reports import yearly as yearly_report
from tests.reports import report_data


def test_period_boundaries_are_local_midnight_in_utc(app):
    march = month_period(2026, 3)
    assert march.start_utc == dt.datetime(2026, 2, 28, 23, 0, tzinfo=dt.UTC)  # CET
    assert march.end_utc == dt.datetime(2026, 3, 31, 22, 0, tzinfo=dt.UTC)  # CEST
    assert [d.month for d in quarter_period(2026, 4).months()] == [10, 11, 12]
    assert year_period(2026).end == dt.date(2027, 1, 1)
    custom = custom_period(dt.date(2026, 3, 15), dt.date(2026, 4, 2))
    assert [d.month for d in custom.months()] == [3, 4]
    with pytest.raises(DomainError):
        custom_period(dt.date(2026, 4, 2), dt.date(2026, 3, 15))
    with pytest.raises(DomainError):
        custom_period(dt.date(2020, 1, 1), dt.date(2026, 1, 1))


def test_month_bucket_expression_is_a_case_over_local_boundaries(app):
    assert "CASE" in str(month_bucket(report_data.InterpretingRequest.starts_at,
                                      year_period(2026)))


def test_requests_by_month_in_local_time(data):
    table = reports.requests_by_month(year_period(2026))
    assert len(table.rows) == 12
    numbers = {i + 1: row[1:] for i, row in enumerate(table.rows)}
    # fulfilled, no-show, cancelled, unfilled, open, total
    assert numbers[1] == [0, 0, 0, 0, 0, 0]
    assert numbers[2] == [1, 0, 0, 0, 0, 1]  # 28 Feb 23:30 local
    assert numbers[3] == [0, 1, 1, 1, 0, 3]  # 1 Mar 00:30 local is March; DST weekend
    assert numbers[4] == [1, 0, 0, 0, 0, 1]  # 1 Apr 00:30 CEST = 31 Mar 22:30 UTC
    assert numbers[11] == [0, 0, 0, 1, 1, 2]  # 1 Nov 00:30 CET = 31 Oct 23:30 UTC
    assert numbers[12] == [0, 0, 0, 0, 0, 0]  # 1 Jan 2027 00:30 local is not 2026
    assert sum(row[-1] for row in table.rows) == 7


def test_quarter_and_custom_periods(data):
    q2 = reports.requests_by_month(quarter_period(2026, 2))
    assert [row[-1] for row in q2.rows] == [1, 0, 0]
    march = reports.requests_by_month(month_period(2026, 3))
    assert march.rows[0][1:] == [0, 1, 1, 1, 0, 3]
    custom = reports.requests_by_month(custom_period(dt.date(2026, 3, 29), dt.date(2026, 4, 1)))
    assert [row[-1] for row in custom.rows] == [1, 1]  # the unfilled 29 Mar and 1 Apr


def test_requests_by_language_and_recruiting_gap(data):
    period = year_period(2026)
    by_language = reports.requests_by_language(period, "de")
    assert by_language.rows == [
        [language_name("tir", "de"), 1, 1, 0, 0, 1, 3],
        [language_name("kmr", "de"), 1, 0, 0, 1, 0, 2],
        [language_name("prs", "de"), 0, 0, 1, 1, 0, 2],
    ]
    gap = reports.recruiting_gap(period, "de")
    # language, unfilled, requests, active mediators (the Kurmanji speaker is paused)
    assert gap.rows == [[language_name("kmr", "de"), 1, 2, 0],
                        [language_name("prs", "de"), 1, 2, 1]]


def test_requests_by_institution_kind(data):
    table = reports.requests_by_institution_kind(year_period(2026))
    assert [row[1:] for row in table.rows] == [[1, 1, 0, 1, 1, 4], [1, 0, 1, 1, 0, 3]]
    assert [row[0] for row in table.rows] == [label("institution_kind", "kita"),
                                              label("institution_kind", "school")]


def test_lead_time_median_and_mean(data):
    table, summary = reports.lead_time(year_period(2026))
    assert summary == {"count": 3, "median": 24.0, "mean": 26.0}
    assert [row[2] for row in table.rows[1:4]] == [24.0, 6.0, 48.0]
    _table, march = reports.lead_time(month_period(2026, 3))
    assert march == {"count": 1, "median": 6.0, "mean": 6.0}
    _table, empty = reports.lead_time(month_period(2026, 8))
    assert empty == {"count": 0, "median": None, "mean": None}


def test_volunteer_hours_use_reported_else_planned_minutes(data):
    table = reports.volunteer_hours(year_period(2026))
    assert table.rows[1][1:] == [1.5, 1, 1]  # 90 reported minutes in February
    assert table.rows[2][1:] == [1.0, 1, 1]  # 60 planned minutes (nothing reported)
    assert table.rows[3][1:] == [0, 0, 0]  # the April assignment is not completed yet
    assert sum(row[1] for row in table.rows) == 2.5


def test_mediators_by_language(data):
    table = reports.mediators_by_language(year_period(2026), "de")
    assert table.rows == [[language_name("tir", "de"), 2, 2], [language_name("prs", "de"), 1, 0]]


def test_meeting_attendance_skips_cancelled_and_future_meetings(data):
    table = reports.meeting_attendance(year_period(2026))
    assert table.rows[0][1:] == [1, 1, 1.0, 50]
    assert table.rows[1][1:] == [1, 2, 2.0, 100]


def test_cohorts_count_trainees_and_still_active(data):
    assert reports.cohorts().rows == [["Jahrgang 2015", 3, 1, 1], ["Jahrgang 2016", 1, 1, 0]]


def test_key_figures_and_sentences(data):
    period = year_period(2026)
    tables, lead = reports.build_report(period, "de")
    by_key = {t.key: t for t in tables}
    table, facts = yearly_report.key_figures(period, by_key, lead)
    values = [row[1] for row in table.rows]
    assert values == [7, 3, 2, 2, 1, 2, 60.0, 2.5, 24.0, 2]
    text = yearly_report.sentences(period, facts, by_key["recruiting_gap"])
    assert text[0] == ("Im Jahr 2026 wurden 3 Einsätze in 2 Sprachen für 2 Einrichtungen "
                       "vermittelt.")
    assert "2,5 Stunden" in text[1]
    assert text[2] == ("60\u00a0% der planbaren Anfragen wurden besetzt (nicht besetzt: 2, "
                       "storniert: 1).")
    assert language_name("kmr", "de") in text[3]


def test_report_queries_do_not_grow_with_rows(data, make_institution):
    """Aggregation happens in SQL: the number of statements is fixed, whatever the data."""
    import sqlalchemy as sa

    from app.extensions import db

    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    reports.build_report(year_period(2026), "de")  # warm: the office's language names, once
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        reports.build_report(year_period(2026), "de")
        first = counter["n"]
        kita = make_institution(kind="kita")
        for day in range(1, 20):
            report_data.dated_request(kita, report_data.local(2026, 5, day), "ara", "unfilled")
        db.session.commit()
        counter["n"] = 0
        reports.build_report(year_period(2026), "de")
        assert counter["n"] == first
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
