"""One view idiom in every domain's views (`app/web/views.py`, docs/architecture.md).

A hand-written load-and-404 can forget the id bound or an ownership rule, a hand-written
`400 if form.errors else 200` drifts, and an `Outcome` read as a tuple breaks silently when
it grows a field. The scan reads the syntax tree of every view module and names each place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.models import Institution
from app.web.views import form_status, load_or_404, member_or_404

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("site", "accounts", "booking", "pool", "calendar", "reports")


def _is_call(node: ast.AST, name: str) -> bool:
    """Tell whether node calls `name` (a plain name or the last part of an attribute)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name)


def _is_abort_404(node: ast.AST) -> bool:
    return (_is_call(node, "abort") and node.args and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == 404)


def _is_session_get(node: ast.AST) -> bool:
    return (_is_call(node, "get") and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "session")


def _tests_none(test: ast.AST) -> bool:
    return any(isinstance(n, ast.Compare) and any(isinstance(op, ast.Is) for op in n.ops)
               and any(isinstance(c, ast.Constant) and c.value is None for c in n.comparators)
               for n in ast.walk(test))


def _hand_404s(tree: ast.AST) -> list[int]:
    """Lines of `abort(404)` after `db.session.get` in the same function, or under `if x is None`."""
    found = set()
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        loads = any(_is_session_get(n) for n in ast.walk(func))
        for node in ast.walk(func):
            if not isinstance(node, ast.If):
                continue
            aborts = [n for stmt in node.body for n in ast.walk(stmt) if _is_abort_404(n)]
            if aborts and (loads or _tests_none(node.test)):
                found.update(n.lineno for n in aborts)
    return sorted(found)


def _hand_statuses(tree: ast.AST) -> list[int]:
    """Lines of `400 if <a form's errors> else 200` written by hand."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.IfExp) and isinstance(node.body, ast.Constant)
                and node.body.value == 400 and isinstance(node.orelse, ast.Constant)
                and node.orelse.value == 200):
            continue
        names = {n.attr for n in ast.walk(node.test) if isinstance(n, ast.Attribute)}
        if names & {"errors", "form_errors"}:
            found.append(node.lineno)
    return found


def _outcome_as_tuple(tree: ast.AST) -> list[int]:
    """Lines that unpack or index what `commit_or_message` returns."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Subscript) and _is_call(node.value, "commit_or_message")) or (
                isinstance(node, ast.Assign) and _is_call(node.value, "commit_or_message")
                and any(isinstance(t, ast.Tuple | ast.List) for t in node.targets)):
            found.append(node.lineno)
    return found


def findings(root: Path = ROOT) -> dict[str, list[str]]:
    """Every place in the domain packages that bypasses the idiom, by kind."""
    kinds = {"hand 404": _hand_404s, "hand status": _hand_statuses,
             "outcome as tuple": _outcome_as_tuple}
    result: dict[str, list[str]] = {kind: [] for kind in kinds}
    for domain in DOMAINS:
        for path in sorted((root / "app" / domain).glob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for kind, scan in kinds.items():
                result[kind] += [f"{path.relative_to(root)}:{line}" for line in scan(tree)]
    return result


def test_views_load_with_the_helpers_not_by_hand():
    assert findings()["hand 404"] == []


def test_form_pages_take_their_status_from_form_page():
    assert findings()["hand status"] == []


def test_outcomes_are_read_by_attribute():
    assert findings()["outcome as tuple"] == []


def test_the_scan_finds_each_pattern():
    """The scan itself must see what it forbids (else the three tests above prove nothing)."""
    tree = ast.parse(
        "def v(i):\n"
        "    x = db.session.get(X, i)\n"
        "    if x is None or x.owner != 1:\n"
        "        abort(404)\n"
        "    y = find(i)\n"
        "    if y is None:\n"
        "        abort(404)\n"
        "    status = 400 if form.errors else 200\n"
        "    _r, error = commit_or_message(f)\n"
        "    error = commit_or_message(f)[1]\n")
    assert _hand_404s(tree) == [4, 7]
    assert _hand_statuses(tree) == [8]
    assert _outcome_as_tuple(tree) == [9, 10]


@pytest.mark.parametrize("ident", [None, "", "7", True, 0, -1, 2**31, 2**63, 10**30])
def test_load_or_404_answers_404_for_ids_the_database_cannot_hold(app, ident):
    """An id from a form or a query string may be anything: 404, never a driver error."""
    with pytest.raises(NotFound):
        load_or_404(Institution, ident)


def test_load_or_404_checks_what_the_row_belongs_to(app, make_institution):
    inst = make_institution(district="Nord")
    db.session.commit()
    assert load_or_404(Institution, inst.id) is inst
    assert load_or_404(Institution, inst.id, district="Nord") is inst
    with pytest.raises(NotFound):
        load_or_404(Institution, inst.id, district="Süd")
    with pytest.raises(NotFound):
        load_or_404(Institution, inst.id + 1)
    assert member_or_404([inst], inst.id) is inst
    with pytest.raises(NotFound):
        member_or_404([inst], inst.id + 1)


def test_form_status_is_400_only_for_a_form_with_errors():
    class Form:
        def __init__(self, errors):
            self.errors = errors

    assert form_status(Form({})) == 200
    assert form_status(None, Form({})) == 200
    assert form_status(Form({}), Form({"name": ["required"]})) == 400
    assert form_status(Form({None: ["refused"]})) == 400


if __name__ == "__main__":  # print the places: python -m tests.core.test_view_idiom
    for kind, places in findings().items():
        print(f"{kind}: {len(places)}")
        for place in places:
            print("  " + place)
