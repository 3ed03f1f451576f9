"""Booking, cancelling, reassigning and completing assignments (services, no HTTP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, AuditLog, OutboxMessage
from app.services.booking import assignments as booking
from app.services.booking import report_review
from app.services.core.errors import DomainError
from tests.factories import DAY, NOW, eligible, make_request


@pytest.fixture()
def world(app, clock, make_institution, make_user):
    clock(NOW)
    inst = make_institution(kind="kita")
    coordinator = make_user("coordinator")
    inst_user = make_user("institution", institution=inst)
    return inst, coordinator, inst_user


def test_book_creates_assignment_and_audit(world, make_mediator):
    inst, coordinator, _ = world
    m = eligible(make_mediator)
    req = make_request(inst)
    a = booking.book(coordinator, req.id, m.id)
    assert req.status == "assigned" and a.mediator_id == m.id and a.starts_at == req.starts_at
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.object_id == req.id)) == "assign"


def test_book_excluded_needs_override_reason(world, make_mediator):
    inst, coordinator, _ = world
    m = eligible(make_mediator)
    m.documents.remove(m.document("pledge"))
    req = make_request(inst)
    with pytest.raises(DomainError, match="Schweigepflichterklärung fehlt"):
        booking.book(coordinator, req.id, m.id)
    a = booking.book(coordinator, req.id, m.id, override_reason="Erklärung liegt unterschrieben vor")
    assert a.override_reason == "Erklärung liegt unterschrieben vor"


def test_real_overlap_refused_even_with_override(world, make_mediator):
    inst, coordinator, _ = world
    m = eligible(make_mediator, max_per_week=5)
    booking.book(coordinator, make_request(inst).id, m.id)
    other = make_request(inst, time=dt.time(10, 30))
    with pytest.raises(DomainError, match="schon gebucht"):
        booking.book(coordinator, other.id, m.id, override_reason="dringend")


def test_second_booking_of_same_request_refused(world, make_mediator):
    inst, coordinator, _ = world
    m1, m2 = eligible(make_mediator), eligible(make_mediator)
    req = make_request(inst)
    booking.book(coordinator, req.id, m1.id)
    with pytest.raises(DomainError, match="schon besetzt"):
        booking.book(coordinator, req.id, m2.id)


def test_past_request_cannot_be_booked(world, make_mediator, clock):
    inst, coordinator, _ = world
    m = eligible(make_mediator)
    req = make_request(inst)
    clock(req.starts_at)
    with pytest.raises(DomainError, match="schon begonnen"):
        booking.book(coordinator, req.id, m.id)


def test_mediator_cancel_reopens_request_and_notifies(world, make_mediator, make_user, clock):
    inst, coordinator, _ = world
    m = eligible(make_mediator)
    med_user = make_user("mediator", mediator=m)
    req = make_request(inst)
    a = booking.book(coordinator, req.id, m.id)
    clock(req.starts_at - dt.timedelta(hours=5))
    booking.cancel_assignment(med_user, a.id, by="mediator", reason="krank")
    assert a.status == "cancelled" and a.late_cancellation and a.sequence == 1
    assert req.status == "submitted"
    subjects = set(db.session.scalars(sa.select(OutboxMessage.subject)))
    assert "Ihre Sprachmittlung musste absagen" in subjects
    assert "Ein/e Sprachmittler/in hat einen Einsatz abgesagt" in subjects
    # the request can be booked again at once
    m2 = eligible(make_mediator)
    assert booking.book(coordinator, req.id, m2.id).status == "active"


def test_cancel_without_reason_refused(world, make_mediator):
    inst, coordinator, _ = world
    a = booking.book(coordinator, make_request(inst).id, eligible(make_mediator).id)
    with pytest.raises(DomainError, match="Grund"):
        booking.cancel_assignment(coordinator, a.id, by="coordinator", reason="  ")


def test_reassign_replaces_mediator(world, make_mediator):
    inst, coordinator, _ = world
    m1, m2 = eligible(make_mediator), eligible(make_mediator)
    req = make_request(inst)
    first = booking.book(coordinator, req.id, m1.id)
    second = booking.reassign(coordinator, req.id, m2.id, reason="Krankheit")
    assert first.status == "cancelled" and second.status == "active"
    assert req.live_assignment is second and req.status == "assigned"
    assert db.session.scalar(sa.select(OutboxMessage.subject).where(
        OutboxMessage.subject == "Eine andere Sprachmittlerin / ein anderer Sprachmittler kommt"))


def test_cancel_request_cancels_assignment_and_offers(world, make_mediator, clock):
    inst, coordinator, inst_user = world
    req = make_request(inst)
    a = booking.book(coordinator, req.id, eligible(make_mediator).id)
    booking.cancel_request(inst_user, req.id, by="institution", reason="Familie verzogen")
    assert req.status == "cancelled" and a.status == "cancelled" and not req.late_cancellation
    with pytest.raises(DomainError):
        booking.cancel_request(inst_user, req.id, by="institution", reason="nochmal")


def test_late_request_cancellation_marked(world, clock):
    inst, _, inst_user = world
    req = make_request(inst)
    clock(req.starts_at - dt.timedelta(hours=23))
    booking.cancel_request(inst_user, req.id, by="institution", reason="krank")
    assert req.late_cancellation


def test_outcome_only_after_start(world, make_mediator, clock):
    inst, coordinator, inst_user = world
    req = make_request(inst)
    a = booking.book(coordinator, req.id, eligible(make_mediator).id)
    with pytest.raises(DomainError, match="erst bestätigen"):
        booking.record_outcome(inst_user, req.id, "took_place")
    clock(req.ends_at)
    booking.record_outcome(inst_user, req.id, "no_show", mediator_no_show=True)
    assert req.status == "completed" and a.status == "completed" and a.mediator_no_show


def test_report_and_approve(world, make_mediator, make_user, clock):
    inst, coordinator, _ = world
    m = eligible(make_mediator)
    med_user = make_user("mediator", mediator=m)
    stranger = make_user("mediator")
    req = make_request(inst)
    a = booking.book(coordinator, req.id, m.id)
    with pytest.raises(DomainError, match="erst nach dem Termin"):
        booking.report_hours(med_user, a, minutes=60, travel_km=None, ticket_cost_cents=None)
    clock(req.ends_at)
    with pytest.raises(DomainError, match="nicht Ihr Einsatz"):
        booking.report_hours(stranger, a, minutes=60, travel_km=None, ticket_cost_cents=None)
    booking.report_hours(med_user, a, minutes=75, travel_km=Decimal("4.5"), ticket_cost_cents=None)
    assert a.report_status == "reported" and a.reported_minutes == 75
    report_review.approve_report(coordinator, a)
    assert a.report_status == "approved" and a.approved_by_id == coordinator.id
    with pytest.raises(DomainError):
        booking.report_hours(med_user, a, minutes=10, travel_km=None, ticket_cost_cents=None)


def test_unique_index_is_last_line_of_defence(world, make_mediator):
    inst, coordinator, _ = world
    req = make_request(inst)
    booking.book(coordinator, req.id, eligible(make_mediator).id)
    db.session.commit()
    other = eligible(make_mediator)
    db.session.add(Assignment(request_id=req.id, mediator_id=other.id,
                              starts_at=req.starts_at, ends_at=req.ends_at))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_day_used_in_helpers_is_a_thursday():
    assert DAY.weekday() == 3
