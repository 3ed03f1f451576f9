"""The per-worker copy of speaker facts: used while nothing changed, never after a change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    Assignment,
    FactStamp,
    Mediator,
    MediatorLanguage,
    QualificationModule,
)
from app.services.matching import cache as fact_cache
from app.services.matching import ranking as matching
from tests.core.test_query_counts import count_queries
from tests.factories import NOW, eligible, make_request


@pytest.fixture()
def world(app, clock, make_institution, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita")
    first, second = eligible(make_mediator), eligible(make_mediator)
    req = make_request(inst)
    db.session.commit()
    fact_cache.clear()
    return req, first, second


def _stamp() -> str:
    return db.session.scalar(sa.select(FactStamp.stamp).where(FactStamp.name == "speakers"))


def _seen(req) -> tuple[set[int], dict[int, list[str]]]:
    result = matching.match(req, cached=True)
    return ({c.mediator.id for c in result.ranked},
            {e.mediator.id: e.reasons for e in result.excluded})


SPEAKER_TABLES = {"mediator", "mediator_language", "document", "availability",
                  "qualification_module", "module_completion"}


def _tables(statements: list[str]) -> list[str]:
    """The table each statement reads first (its outer FROM)."""
    return [s.split("\nFROM ", 1)[1].split()[0] for s in statements if "\nFROM " in s]


def test_copy_is_used_while_nothing_changed(world):
    req, first, second = world
    with count_queries() as cold:
        fresh = matching.match(req, cached=True)
    with count_queries() as warm:
        again = matching.match(req, cached=True)
    assert SPEAKER_TABLES - {"module_completion"} <= set(_tables(cold))
    assert not SPEAKER_TABLES & set(_tables(warm)) and "fact_stamp" in _tables(warm)
    assert [(c.mediator.id, c.score, [p.detail for p in c.components]) for c in again.ranked] \
        == [(c.mediator.id, c.score, [p.detail for p in c.components]) for c in fresh.ranked]
    assert {c.mediator.id for c in fresh.ranked} == {first.id, second.id}
    with count_queries() as uncached:
        matching.match(req)
    assert "fact_stamp" not in _tables(uncached) and SPEAKER_TABLES - {
        "module_completion"} <= set(_tables(uncached))


def _pause(m: Mediator) -> None:
    m.status = "paused"


def _drop_language(m: Mediator) -> None:
    m.languages.clear()  # delete-orphan: the rows go at the flush


def _drop_pledge(m: Mediator) -> None:
    db.session.delete(next(d for d in m.documents if d.kind == "pledge"))


def _drop_availability(m: Mediator) -> None:
    m.availability[0].weekday = 4  # Friday; the request is on a Thursday


def _erase(m: Mediator) -> None:
    m.erased_at = NOW


def _require_module(_m: Mediator) -> None:
    db.session.add(QualificationModule(code="NEU", title_de="Neu", title_en="New",
                                       required=True, position=99))


@pytest.mark.parametrize("change, expected", [
    (_pause, "Nicht aktiv (Status: Pausiert)"),
    (_drop_language, None),
    (_drop_pledge, "Schweigepflichterklärung fehlt"),
    (_drop_availability, "Verfügbarkeit: Fr 8–18 (Termin liegt außerhalb)"),
    (_erase, None),
    (_require_module, "Pflichtmodule fehlen: NEU"),
])
def test_every_kind_of_fact_change_is_seen_at_once(world, change, expected):
    req, first, _second = world
    assert first.id in _seen(req)[0]  # cached now
    before = _stamp()
    change(first)
    db.session.commit()
    assert _stamp() != before
    ranked, excluded = _seen(req)
    assert first.id not in ranked
    if expected is None:  # no longer a speaker at all
        assert first.id not in excluded
    else:
        assert expected in excluded[first.id]


def test_a_change_committed_by_another_worker_is_seen(world, app):
    req, first, _second = world
    assert first.id in _seen(req)[0]
    with Session(db.engine) as other:  # another process's session: same listeners, own commit
        theirs = other.get(Mediator, first.id)
        theirs.languages.append(MediatorLanguage(code="ara", variety="", level="C1"))
        theirs.status = "retired"
        other.commit()
    db.session.rollback()  # end this test's snapshot, as a new web request would
    assert _seen(req)[1][first.id][0].startswith("Nicht aktiv (Status: ")


def test_uncommitted_changes_are_read_through_and_never_kept(world):
    req, first, _second = world
    assert first.id in _seen(req)[0]
    before = _stamp()
    first.status = "paused"
    db.session.flush()
    assert first.id in _seen(req)[1]  # this transaction sees its own change ...
    db.session.rollback()
    assert _stamp() == before
    assert first.id in _seen(req)[0]  # ... and after the rollback nobody does


def test_bookings_and_unrelated_edits_keep_the_copy(world):
    req, first, _second = world
    _seen(req)
    before = _stamp()
    db.session.add(Assignment(request=req, mediator=first, starts_at=req.starts_at,
                              ends_at=req.ends_at, status="active"))
    first.notes = "Rückruf erbeten"
    db.session.commit()
    assert _stamp() == before


def test_without_the_stamp_row_every_read_is_fresh(world):
    req, first, _second = world
    db.session.execute(sa.delete(FactStamp))
    db.session.commit()
    assert first.id in _seen(req)[0]
    # a Core write (no ORM event, no stamp) is still seen because nothing was kept
    db.session.execute(sa.update(Mediator).where(Mediator.id == first.id)
                       .values(status="paused"))
    db.session.commit()
    assert first.id in _seen(req)[1]


def test_copies_expire_for_writes_outside_the_app(world, app):
    req, first, _second = world
    app.config["SPEAKER_CACHE_SECONDS"] = 0  # switched off: every read is fresh
    try:
        _seen(req)
        db.session.execute(sa.update(Mediator).where(Mediator.id == first.id)
                           .values(status="paused"))
        db.session.commit()
        assert first.id in _seen(req)[1]
    finally:
        app.config["SPEAKER_CACHE_SECONDS"] = 600


def test_facts_are_plain_rows_that_outlive_the_session(world):
    req, first, _second = world
    _seen(req)
    request_id, model = req.id, type(req)
    db.session.commit()
    db.session.remove()  # the next web request: a new session, every ORM object gone
    req = db.session.get(model, request_id)
    ranked = matching.match(req, cached=True).ranked
    assert {c.mediator.full_name for c in ranked} >= {"Vorname1 Nachname1"}
    assert not isinstance(ranked[0].mediator, Mediator)


def test_refresh_command_makes_every_worker_reload(world, runner):
    req, first, _second = world
    _seen(req)
    before = _stamp()
    db.session.execute(sa.update(Mediator).where(Mediator.id == first.id)
                       .values(status="paused"))  # as psql would: no ORM event
    db.session.commit()
    assert first.id in _seen(req)[0]  # the copy does not know yet ...
    result = runner.invoke(args=["refresh-facts"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert _stamp() != before
    assert first.id in _seen(req)[1]  # ... and after the command it does
