"""Every allowed and every refused status transition."""

from __future__ import annotations

import pytest

from app.models import Assignment, InterpretingRequest, Offer
from app.models.enums import AssignmentStatus, OfferStatus, RequestStatus
from app.services.booking import states as rs
from app.services.core.errors import DomainError

CASES = [
    (rs.REQUEST_TRANSITIONS, RequestStatus, InterpretingRequest, rs.move_request),
    (rs.ASSIGNMENT_TRANSITIONS, AssignmentStatus, Assignment, rs.move_assignment),
    (rs.OFFER_TRANSITIONS, OfferStatus, Offer, rs.move_offer),
]
PAIRS = [
    pytest.param(table, model, move, a, b, id=f"{model.__name__}:{a}->{b}")
    for table, statuses, model, move in CASES
    for a in statuses
    for b in statuses
    if a != b
]


def test_tables_cover_every_status():
    for table, statuses, _model, _move in CASES:
        assert set(table) == set(statuses)
        assert all(targets <= set(statuses) for targets in table.values())


def test_expected_transitions():
    assert rs.REQUEST_TRANSITIONS["assigned"] == {"submitted", "completed", "cancelled"}
    assert rs.REQUEST_TRANSITIONS["completed"] == set()
    assert rs.ASSIGNMENT_TRANSITIONS["active"] == {"cancelled", "completed"}
    assert rs.OFFER_TRANSITIONS["pending"] == {"accepted", "declined", "withdrawn", "expired"}


@pytest.mark.parametrize("table, model, move, current, new", PAIRS)
def test_transition(app, table, model, move, current, new):
    obj = model(status=current)
    if new in table[current]:
        move(obj, new)
        assert obj.status == new
    else:
        with pytest.raises(DomainError) as err:
            move(obj, new)
        assert obj.status == current
        assert str(err.value)  # a translated message, never empty
