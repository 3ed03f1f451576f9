"""A language level nobody recorded (an imported list without levels) scores lowest."""

from __future__ import annotations

import pytest

from app.services.matching import ranking as matching
from tests.factories import NOW, eligible, make_request


@pytest.fixture()
def setup(app, clock, make_institution):
    clock(NOW)
    return make_institution(kind="kita", district="Nord")


def test_unknown_level_ranks_below_b1_and_reads_missing(setup, make_mediator):
    unknown = eligible(make_mediator, languages=(("tir", "", None),), mobility=None,
                       german_level=None)
    b1 = eligible(make_mediator, languages=(("tir", "", "B1"),))
    ranked = {c.mediator.id: c for c in matching.match(make_request(setup)).ranked}
    level = {c.key: c for c in ranked[unknown.id].components}["level"]
    assert level.points == 0
    assert level.points < {c.key: c for c in ranked[b1.id].components}["level"].points
    assert level.detail == "fehlt"
