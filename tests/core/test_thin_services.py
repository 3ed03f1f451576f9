"""The work the views used to do themselves, now in services: institution save, the request
dashboard, the allowance cap warning."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, Institution
from app.models.request import OPEN_REQUEST_STATUSES
from app.services.allowances import month
from app.services.allowances import statements as allowances
from app.services.booking import dashboard
from app.services.core.errors import DomainError
from app.services.pool import institutions
from tests.factories import NOW, make_request
from tests.reports import report_data


def _values(**over):
    values = {"name": "Kita Regenbogen", "kind": "kita", "street": None, "postcode": "55218",
              "city": "Rheinstadt", "district": "Nord", "phone": None, "email": None,
              "notes": None}
    values.update(over)
    return values


def test_save_institution_checks_the_name_fills_and_audits(app, make_user):
    actor = make_user("coordinator")
    created = institutions.save_institution(actor, None, _values())
    assert created.id and created.street == "" and created.district == "Nord"
    same = institutions.save_institution(actor, created, _values(name="KITA Regenbogen"))
    assert same is created and created.name == "KITA Regenbogen"  # its own name is no clash
    with pytest.raises(DomainError, match="already exists|gibt es bereits"):
        institutions.save_institution(actor, None, _values(name="kita regenbogen"))
    actions = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.object_type == "institution",
                                         AuditLog.object_id == created.id)
        .order_by(AuditLog.id)).all()
    assert actions == ["create", "update"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Institution)) == 1


def test_dashboard_lists_follow_the_model_vocabulary(app, clock, make_institution):
    clock(NOW)
    inst = make_institution()
    for status in (*OPEN_REQUEST_STATUSES, "unfilled", "cancelled", "completed"):
        make_request(inst, status=status)
    make_request(inst, status="submitted", time=dt.time(11))
    make_request(inst, status="unfilled", day=NOW.date() - dt.timedelta(days=91))  # long ago
    db.session.flush()
    open_rows = db.session.scalars(dashboard.open_requests_query()).all()
    assert sorted(r.status for r in open_rows) == ["offered", "submitted", "submitted"]
    assert [r.starts_at for r in open_rows] == sorted(r.starts_at for r in open_rows)
    lists = dashboard.coordinator_dashboard(NOW)
    assert [r.status for r in lists.unfilled] == ["unfilled", "unfilled"]
    # the count is of the last 90 days: the one of 91 days ago is listed, not counted
    assert lists.counts == {"submitted": 2, "offered": 1, "unfilled": 1,
                            "unfilled_days": 90}


def test_generating_a_month_names_only_its_people_near_the_cap(app, clock, make_institution,
                                                               make_mediator, make_user):
    clock(report_data.NOW)
    report_data.build(make_institution, make_mediator)
    coordinator = make_user("coordinator")
    allowances.save_rule(2026, coordinator, annual_cap_cents=2000, warn_percent=80)
    generated = month.generate(2026, 2, coordinator)
    assert generated.statements
    assert generated.near_cap == ["Almaz Tesfay"]
    allowances.save_rule(2026, coordinator, annual_cap_cents=10_000_000, warn_percent=80)
    assert month.near_cap_names(generated.statements, 2026, 2) == []


def test_dashboard_side_lists_name_the_people_and_link_the_requests(
        client, login, clock, make_user, make_institution, make_mediator):
    """Upcoming assignments name their (live) mediator, reports and no-shows the reporter."""
    from decimal import Decimal

    from app.models import Assignment

    clock(NOW)
    inst = make_institution(name="Kita Sonnenhof")
    coming, done, missed = (make_request(inst, status=s) for s in
                            ("assigned", "completed", "completed"))
    coming.starts_at = NOW + dt.timedelta(days=2)
    coming.ends_at = coming.starts_at + dt.timedelta(hours=1)
    earlier = make_mediator(first_name="Erste", last_name="Abgesagt")
    live = make_mediator(first_name="Jetzt", last_name="Gebucht")
    reporter = make_mediator(first_name="Berta", last_name="Bericht")
    absent = make_mediator(first_name="Nie", last_name="Da")
    db.session.add_all([
        Assignment(request=coming, mediator=earlier, starts_at=coming.starts_at,
                   ends_at=coming.ends_at, status="cancelled"),
        Assignment(request=coming, mediator=live, starts_at=coming.starts_at,
                   ends_at=coming.ends_at),
        Assignment(request=done, mediator=reporter, starts_at=done.starts_at,
                   ends_at=done.ends_at, status="completed", report_status="reported",
                   reported_minutes=75, completion_assumed=True, travel_km=Decimal("12.5")),
        Assignment(request=missed, mediator=absent, starts_at=missed.starts_at,
                   ends_at=missed.ends_at, status="completed", mediator_no_show=True),
    ])
    db.session.commit()
    login(make_user("coordinator"))
    html = client.get("/coordination/requests").get_data(as_text=True)
    upcoming = html.split('id="assigned-h"')[1].split("</section>")[0]
    assert "Jetzt Gebucht" in upcoming and "Abgesagt" not in upcoming
    assert "Kita Sonnenhof" in upcoming and f"/coordination/requests/{coming.id}" in upcoming
    reports = html.split('id="reports-h"')[1].split("</section>")[0]
    assert "Berta Bericht" in reports and "75 Min." in reports and "12,5 km" in reports
    assert f"/coordination/requests/{done.id}" in reports
    no_shows = html.split('id="noshow-h"')[1].split("</section>")[0]
    assert "Nie Da" in no_shows and f"#{missed.id}" in no_shows
