"""Helpers for the calendar/meetings tests: requests and assignments made directly."""

from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.models import Assignment, InterpretingRequest

UTC = dt.UTC


def make_assignment(institution, mediator, starts_at: dt.datetime, minutes: int = 60,
                    **request_kwargs) -> Assignment:
    values = {"institution": institution, "starts_at": starts_at,
              "ends_at": starts_at + dt.timedelta(minutes=minutes),
              "duration_minutes": minutes, "language_code": "tir", "occasion": "parent_meeting",
              "status": "assigned", "room": "Raum 2",
              "note": "Familie Haile, Vater krank"}
    values.update(request_kwargs)
    req = InterpretingRequest(**values)
    db.session.add(req)
    db.session.flush()
    assignment = Assignment(request=req, mediator=mediator, starts_at=req.starts_at,
                            ends_at=req.ends_at)
    db.session.add(assignment)
    db.session.flush()
    return assignment
