"""Coded values are named through their enums (app/models/enums.py), not spelled as strings.

Why: a status spelled "canceled" in one view compares false forever and nothing fails; an enum
member that does not exist fails at import. The scan reads the AST of every module under app/
and flags a string equal to a status or role value where it is compared with, assigned to or
passed as a status, role or outcome (or who cancelled), named as the role of
`role_required`/`card`/`create_user`, or as the new status of `move_request` and its kin.
"""

from __future__ import annotations

import ast
from pathlib import Path

from app.models.enums import VOCABULARY

ROOT = Path(__file__).resolve().parents[2]
EXEMPT = {"app/models/enums.py"}
VALUES = frozenset(member.value for enum in VOCABULARY for member in enum)
# status-like names: these and any name ending in _status
STATUS_NAMES = {"status", "role", "outcome", "report_status", "cancelled_by", "by"}
KEYWORDS = {"status", "role", "outcome", "by"}  # by: who cancelled
# calls whose positional argument at that index is a role or a new status
POSITIONAL = {"role_required": 0, "card": 0, "create_user": 1, "Recipient": 3,
              "move_request": 1, "move_assignment": 1, "move_offer": 1, "record_outcome": 2}


def _name(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _status_like(node: ast.AST | None) -> bool:
    name = _name(node)
    return name is not None and (name in STATUS_NAMES or name.endswith("_status"))


def _coded(node: ast.AST) -> list[ast.Constant]:
    """The vocabulary strings a constant or a literal tuple, list or set spells out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in VALUES:
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Starred, ast.IfExp)):
        elts = ([node.value] if isinstance(node, ast.Starred) else
                [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.elts)
        return [c for elt in elts for c in _coded(elt)]
    return []


def _pairs(node: ast.AST):
    """(what, the status-like side or None, the side that may spell a value) per use."""
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        for left, right in zip(sides, sides[1:], strict=False):
            for a, b in ((left, right), (right, left)):
                if _status_like(a):
                    yield "compared", a, b
    elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            if _status_like(target):
                yield "assigned", target, node.value
            elif (isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                  and len(target.elts) == len(node.value.elts)):
                for t, v in zip(target.elts, node.value.elts, strict=True):
                    if _status_like(t):
                        yield "assigned", t, v
    elif isinstance(node, ast.Call):
        for kw in node.keywords:
            if kw.arg in KEYWORDS:
                yield f"keyword {kw.arg}", kw, kw.value
        func = _name(node.func)
        if func == "in_" and _status_like(getattr(node.func, "value", None)) and node.args:
            yield "in_()", node.func.value, node.args[0]
        if func in POSITIONAL and len(node.args) > POSITIONAL[func]:
            yield f"{func}()", None, node.args[POSITIONAL[func]]


def _raw_strings(tree: ast.AST) -> list[tuple[int, str]]:
    return [(const.lineno, f"{what}: {const.value}")
            for node in ast.walk(tree) for what, _side, value in _pairs(node)
            for const in _coded(value)]


def raw_coded_strings() -> list[str]:
    """Every flagged place, as `path:line: what`."""
    out = []
    for path in sorted(ROOT.glob("app/**/*.py")):
        rel = str(path.relative_to(ROOT))
        if rel in EXEMPT:
            continue
        tree = ast.parse(path.read_text(), filename=rel)
        out += [f"{rel}:{line}: {what}" for line, what in sorted(_raw_strings(tree))]
    return out


def test_statuses_and_roles_are_named_through_their_enums():
    found = raw_coded_strings()
    assert found == [], f"{len(found)} raw coded strings:\n" + "\n".join(found)


def test_the_scan_sees_each_kind_of_use():
    source = (
        "if offer.status == 'pending': pass\n"
        "if req.status in ('submitted', 'offered'): pass\n"
        "a.report_status = 'approved'\n"
        "Offer(status='declined')\n"
        "q.where(Offer.status.in_(['pending', 'accepted']))\n"
        "move_request(req, 'cancelled')\n"
        "a.cancelled_at, a.cancelled_by = now, 'mediator'\n"
        "req.outcome = 'no_show' if late else 'took_place'\n"
        "@role_required('coordinator')\n"
        "def f(): pass\n"
        "ok = offer.status == OfferStatus.PENDING\n"
        "name = 'pending'\n"
    )
    assert sorted(line for line, _ in _raw_strings(ast.parse(source))) == [1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9]


def test_a_value_shared_by_two_enums_has_one_badge_tone():
    """BADGE_TONES is keyed by the value alone: "cancelled" must look the same everywhere."""
    tones: dict[str, set[str]] = {}
    for enum in VOCABULARY:
        for member in enum:
            tones.setdefault(member.value, set()).add(member.tone or "info")
    assert {value: t for value, t in tones.items() if len(t) > 1} == {}


def test_labels_and_tones_are_read_from_the_enums():
    from app.labels import LABELS
    from app.models.enums import LABELLED, OfferStatus
    from app.web.templating import BADGE_TONES

    for kind, enum in LABELLED.items():
        assert LABELS[kind] == {member.value: member.label for member in enum}
    assert BADGE_TONES[OfferStatus.PENDING] == "warning" == OfferStatus.PENDING.tone
