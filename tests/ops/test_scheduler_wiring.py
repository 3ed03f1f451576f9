"""The scheduler registry runs the periodic work of every area (requests, privacy)."""

import datetime as dt

from app import scheduler
from app.extensions import db
from app.models import InterpretingRequest
from tests.factories import make_request


def test_registry_has_every_area_with_fixed_ids():
    ids = [job.id for job in scheduler.JOBS]
    assert len(ids) == len(set(ids))
    assert {"outbox.deliver", "requests.tick", "privacy.retention",
            "reminders.assignments"} <= set(ids)
    for job in scheduler.JOBS:
        assert callable(job.func)
        assert job.misfire_grace_time > 1


def test_one_scheduler_pass_marks_unfilled_and_purges_old_notes(app, clock, make_institution):
    institution = make_institution()
    clock(dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC))
    old = make_request(institution, day=dt.date(2025, 1, 7), status="completed",
                       note="Vater spricht wenig Deutsch", created_at=dt.datetime(
                           2025, 1, 1, 8, tzinfo=dt.UTC))
    open_past = make_request(institution, day=dt.date(2026, 3, 2), status="submitted",
                             created_at=dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC))
    db.session.commit()
    clock(dt.datetime(2026, 3, 3, 8, tzinfo=dt.UTC))

    results = scheduler.run_all_once(app)

    assert results["requests.tick"]["unfilled"] == 1
    assert results["privacy.retention"]
    db.session.expire_all()
    assert db.session.get(InterpretingRequest, open_past.id).status == "unfilled"
    purged = db.session.get(InterpretingRequest, old.id)
    assert purged.note == "" and purged.note_purged_at is not None
