"""The request-status vocabulary lives in the model module: one definition, used everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import InterpretingRequest
from app.models.enums import RequestStatus
from app.models.request import CANCELLABLE_REQUEST_STATUSES, OPEN_REQUEST_STATUSES
from tests.factories import make_request

ROOT = Path(__file__).resolve().parents[2]
# two or more request statuses spelled together, in Python or Jinja: a tuple, list or set
_STATUS = "|".join(RequestStatus)
# the definition itself, and the transition table (checked against it in test_request_states)
EXEMPT = {ROOT / "app/models/request.py", ROOT / "app/services/booking/states.py"}
STATUS_SET = re.compile(rf"""[(\[{{]\s*['"]({_STATUS})['"]\s*,\s*['"]({_STATUS})['"]""")


def test_is_open_and_is_cancellable_on_instances_and_in_sql(app, make_institution):
    inst = make_institution()
    reqs = {status: make_request(inst, status=status) for status in RequestStatus}
    for name, statuses in (("is_open", OPEN_REQUEST_STATUSES),
                           ("is_cancellable", CANCELLABLE_REQUEST_STATUSES)):
        assert {s for s, r in reqs.items() if getattr(r, name)} == set(statuses), name
        column = getattr(InterpretingRequest, name)
        assert set(db.session.scalars(sa.select(InterpretingRequest.id).where(column))) == {
            reqs[s].id for s in statuses}, name
        assert set(db.session.scalars(
            sa.select(InterpretingRequest.id).where(sa.not_(column)))) == {
            r.id for s, r in reqs.items() if s not in statuses}, name
    assert set(OPEN_REQUEST_STATUSES) == {"submitted", "offered"}
    assert set(CANCELLABLE_REQUEST_STATUSES) == {"submitted", "offered", "assigned"}


def test_no_status_set_is_spelled_outside_the_model_module():
    """A new open status must be added in one place, so nobody else may list statuses."""
    files = [*ROOT.glob("app/services/**/*.py"), *ROOT.glob("app/models/*.py"),
             *ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]
    found = []
    for path in files:
        if path in EXEMPT:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if STATUS_SET.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
