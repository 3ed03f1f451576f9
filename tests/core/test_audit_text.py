"""The audit log reads as sentences with links; every recorded action has one."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from app.extensions import db
from app.models import InterpretingRequest
from app.services.core import audit
from app.services.core.accounts import SALTS
from tests.core.test_query_counts import count_queries

ROOT = Path(__file__).resolve().parents[2]


def _recorded_actions() -> set[tuple[str, str]]:
    """Return every (action, object type) an `audit.record(...)` call in app/ can write."""
    found: set[tuple[str, str]] = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit"):
                continue
            action, obj_type = node.args[1], node.args[2]
            if isinstance(obj_type, ast.IfExp):  # "mediator" if ... else "institution"
                types = [obj_type.body, obj_type.orelse]
            else:
                types = [obj_type]
            assert all(isinstance(t, ast.Constant) for t in types), \
                f"{path}:{node.lineno}: literal type"
            if isinstance(action, ast.IfExp):
                actions = [action.body.value, action.orelse.value]
            elif isinstance(action, ast.JoinedStr):  # f"password_{purpose}"
                prefix = action.values[0].value
                assert prefix == "password_", f"{path}:{node.lineno}: unknown f-string"
                actions = [prefix + purpose for purpose in SALTS]
            else:
                assert isinstance(action, ast.Constant), f"{path}:{node.lineno}: literal action"
                actions = [action.value]
            found |= {(a, t.value) for a in actions for t in types}
    return found


def test_every_recorded_action_has_a_sentence():
    from app.services.core.audit_text import SENTENCES

    recorded = _recorded_actions()
    assert len(recorded) > 40  # the scan sees the calls
    missing = sorted(recorded - set(SENTENCES))
    assert not missing, f"audit actions without a sentence: {missing}"


def _request(inst) -> InterpretingRequest:
    start = dt.datetime(2026, 3, 5, 8, tzinfo=dt.UTC)
    req = InterpretingRequest(
        institution=inst, starts_at=start, ends_at=start + dt.timedelta(hours=1),
        duration_minutes=60, language_code="tir", occasion="counselling", status="submitted")
    db.session.add(req)
    db.session.flush()
    return req


def test_audit_log_says_what_happened_with_links_and_keeps_the_raw_data(
        client, login, make_user, make_mediator, make_institution):
    coordinator = make_user("coordinator", name="Koordination")
    selam = make_mediator(first_name="Selam", last_name="Tekle")
    yonas = make_mediator(first_name="Yonas", last_name="Berhe")
    req = _request(make_institution())
    audit.record(coordinator, "send_offers", "request", req.id,
                 mediator_ids=[selam.id, yonas.id])
    audit.record(coordinator, "add_language", "mediator", selam.id, code="apc", variety="")
    db.session.commit()
    login(coordinator)

    html = client.get("/pool/audit").get_data(as_text=True)

    assert (f'Koordination hat Angebote an <a href="/pool/mediators/{selam.id}">Selam Tekle</a>'
            f' und <a href="/pool/mediators/{yonas.id}">Yonas Berhe</a> gesendet '
            f'(<a href="/coordination/requests/{req.id}">Anfrage #{req.id}</a>).') in html
    assert "Levantinisches Arabisch" in html
    assert "<details>" in html and "<code>send_offers</code>" in html
    assert f"[{selam.id}, {yonas.id}]" in html  # the recorded data, one click away


def test_names_in_sentences_are_escaped(client, login, make_user, make_mediator):
    coordinator = make_user("coordinator", name="<b>Boss</b>")
    evil = make_mediator(first_name="<script>alert(1)</script>", last_name="X")
    audit.record(coordinator, "update", "mediator", evil.id)
    db.session.commit()
    login(coordinator)
    html = client.get("/pool/audit").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>Boss</b>" not in html


def test_audit_page_loads_the_named_objects_once_per_type(
        client, login, make_user, make_mediator, make_institution):
    coordinator = make_user("coordinator")
    login(coordinator)
    inst = make_institution()
    counts = []
    for rows in (2, 20):
        for _ in range(rows):
            a, b = make_mediator(), make_mediator()
            req = _request(inst)
            audit.record(coordinator, "send_offers", "request", req.id, mediator_ids=[a.id, b.id])
            audit.record(coordinator, "update", "mediator", a.id)
            audit.record(coordinator, "update", "institution", inst.id)
        db.session.commit()
        with count_queries() as seen:
            assert client.get("/pool/audit").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
