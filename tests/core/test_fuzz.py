"""Fuzz every form and query parameter of every route as each role: no input may cause a 5xx.

Why: a 500 on odd input (a NUL byte, a date like 0000-00-00, an id beyond BIGINT) is both a
bug and an attack surface. Field names and types come from the app's WTForms classes, so new
forms are fuzzed automatically; ids in URLs come from the demo data set, so the handlers get
past their 404s. Bounded: SKM_FUZZ_EXAMPLES examples per route (default 6), derandomized so
CI is reproducible; raise the number locally to search deeper.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import fields as wtf

import app as app_package
from app.demo.seed import LOGINS, seed_demo
from app.extensions import db
from tests.conftest import csrf_token
from tests.core.test_access_walk import _allowed_roles, _rules

EXAMPLES = int(os.environ.get("SKM_FUZZ_EXAMPLES", "8"))
# Routes whose side effect would end the fuzzing session itself.
SKIP = {"/auth/logout"}

CONTROL = ["\x00", "\r\n", "\r", "\n", "\t", "\x1b[31m", "\x7f", "\x85", "\u202e", "\u2066",
           "\u200b", "\ufeff", "\u2028"]
EXTREME_DATES = ["0001-01-01", "9999-12-31", "9999-12-27", "1899-12-31", "1900-01-01",
                 "2100-12-31", "2101-01-01", "1970-01-01", "2024-02-29", "2026-02-30",
                 "0000-00-00", "10000-01-01", "-0001-01-01", "2026-13-01", "2026-1-1"]
HUGE_INTS = ["2147483647", "2147483648", "-2147483649", "9223372036854775807",
             "9223372036854775808", "-9223372036854775809", "9" * 60, "1" + "0" * 30,
             "9" * 5000, "0x10", "1_000", "\u0661\u0662", "\u00b2", "1e309", "NaN", "-inf"]
ADVERSARIAL = st.sampled_from([
    "", " ", "0", "-1", "1.5", *HUGE_INTS, *EXTREME_DATES, "24:00", "23:59:60", "00:00",
    "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd",
    "//evil.example/", "https://evil.example/", "javascript:alert(1)", "/\\evil.example",
    "ü" * 3000, "🙂" * 50, "x" * 100_000, "None", "[]", "{}", "\r\nSet-Cookie: x=1",
    "/ok\r\nLocation: //evil.example", "=HYPERLINK(\"http://evil\")", *CONTROL,
])
# random text with control characters spliced in, so no field gets only "clean" text
SPLICED = st.tuples(st.text(max_size=40), st.sampled_from(CONTROL), st.text(max_size=40)).map(
    "".join)
TEXT = st.one_of(ADVERSARIAL, SPLICED, st.text(max_size=200))
NUMBER = st.one_of(st.integers(-(2**70), 2**70).map(str), st.floats().map(str), ADVERSARIAL)
DATE = st.one_of(st.sampled_from(EXTREME_DATES),
                 st.dates().map(lambda d: d.isoformat()), ADVERSARIAL)
TIME = st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), ADVERSARIAL)
# parameters views read without a form (request.args / request.form directly)
LOOSE_PARAMETERS = ("page", "year", "month", "show", "next", "answer", "present", "q",
                    "excluded", "day", "week", "kind", "start", "end")


def _form_classes() -> list[type[FlaskForm]]:
    """Import every module of the app and return all FlaskForm subclasses."""
    for info in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(info.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _leaf_fields(form):
    for field in form:
        if isinstance(field, wtf.FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, wtf.FieldList):
            yield from field.entries
        else:
            yield field


def _strategy(field) -> st.SearchStrategy:
    values = [str(v) for v, *_ in (getattr(field, "choices", None) or []) if v is not None]
    if isinstance(field, wtf.SelectMultipleField):
        return st.lists(st.one_of(st.sampled_from(values), TEXT) if values else TEXT, max_size=4)
    if values:
        return st.one_of(st.sampled_from(values), TEXT)
    if isinstance(field, wtf.DateField | wtf.DateTimeField):
        return DATE
    if isinstance(field, wtf.TimeField):
        return TIME
    if isinstance(field, wtf.IntegerField | wtf.DecimalField | wtf.FloatField):
        return NUMBER
    if isinstance(field, wtf.BooleanField):
        return st.sampled_from(["y", "", "on", "0"])
    return TEXT


def field_strategies(app) -> dict[str, list[st.SearchStrategy]]:
    """Map every form field name in the app to strategies for its value(s)."""
    by_name: dict[str, list[st.SearchStrategy]] = {}
    with app.test_request_context("/"):
        for cls in _form_classes():
            try:
                form = cls(meta={"csrf": False})
            except Exception:  # noqa: BLE001, S112 - forms that need constructor arguments
                continue
            for field in _leaf_fields(form):
                if field.type in ("SubmitField", "CSRFTokenField", "HiddenField") and \
                        field.name != "next":
                    continue
                by_name.setdefault(field.name, []).append(_strategy(field))
    for extra in LOOSE_PARAMETERS:
        by_name.setdefault(extra, []).append(st.one_of(TEXT, NUMBER, DATE))
    return by_name


def _ids(app) -> dict[str, list[int]]:
    """Real ids of the demo data set for every `<int:..._id>` URL parameter."""
    tables = {t.name: t for t in db.metadata.sorted_tables}
    names = {"request_id": "interpreting_request", "offer_id": "offer",
             "assignment_id": "assignment", "institution_id": "institution",
             "contact_id": "contact_person", "mediator_id": "mediator", "user_id": "app_user",
             "absence_id": "absence", "availability_id": "availability",
             "language_id": "mediator_language", "meeting_id": "meeting",
             "group_id": "supervision_group", "cohort_id": "cohort", "course_id": "course",
             "participant_id": "course_participant", "module_id": "qualification_module",
             "statement_id": "allowance_statement"}
    ids = {}
    for param, table in names.items():
        if table in tables:
            ids[param] = list(db.session.scalars(
                sa.select(tables[table].c.id).order_by(tables[table].c.id).limit(8)))
    return ids


def _path_strategy(rule, ids) -> st.SearchStrategy:
    """Fill the rule's placeholders with real ids, odd ints or random tokens."""
    pieces = re.split(r"(<[^>]+>)", rule.rule)
    strategies = []
    for piece in pieces:
        match = re.fullmatch(r"<(?:([^:>]+):)?([^>]+)>", piece)
        if not match:
            strategies.append(st.just(piece))
            continue
        converter, name = match.group(1) or "", match.group(2)
        if converter.startswith("any("):
            options = [o.strip(" '\"") for o in converter[4:-1].split(",")]
            strategies.append(st.sampled_from(options))
        elif converter == "int":
            real = ids.get(name) or [1]
            if name == "year":
                real = [2025, 2026]
            elif name == "month":
                real = [1, 12]
            strategies.append(st.one_of(st.sampled_from(real), st.sampled_from(
                [0, 2**31 - 1, 2**31, 2**63, 10**30])).map(str))
        else:
            strategies.append(st.one_of(
                st.text(alphabet="abcdefXYZ0123456789-_.", max_size=80), st.just("x"),
                st.sampled_from(["%00", "a%0d%0ab", "%E2%80%AE", "9" * 30 + ".x", "x" * 3000,
                                 "2147483648.abc", "%C2%B2.abc", "..", "%2e%2e"])))
    return st.tuples(*strategies).map("".join)


def _form_strategy(names, by_name, own: set[str]) -> st.SearchStrategy:
    """Fill the route's own fields (mostly all of them) plus a few stray ones."""
    own_list = sorted(n for n in own if n in by_name)
    own_part = st.fixed_dictionaries({}, optional={n: st.one_of(*by_name[n]) for n in own_list})
    full = st.fixed_dictionaries({n: st.one_of(*by_name[n]) for n in own_list})
    stray = st.lists(st.sampled_from(names), max_size=4, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({n: st.one_of(*by_name[n]) for n in chosen}))
    return st.tuples(st.one_of(full, own_part), stray).map(lambda t: {**t[1], **t[0]})


FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
NAME_RE = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)


def _rendered_forms(client, app, role, ids) -> dict[str, set[str]]:
    """GET every page the role may see and map each form's action path to its field names."""
    actions: dict[str, set[str]] = {}
    for rule in _rules(app, "GET"):
        path = re.sub(r"<(?:int:)?([^>]+)>",
                      lambda m: str((ids.get(m.group(1)) or [1])[0]), rule.rule)
        if "<" in path or not _may_use(role, path):
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for attrs, body in FORM_RE.findall(response.get_data(as_text=True)):
            action = re.search(r'action="([^"]*)"', attrs)
            target = (action.group(1) if action and action.group(1) else path).split("?")[0]
            target = target.replace("http://skm.test", "")
            actions.setdefault(target, set()).update(
                n for n in NAME_RE.findall(body) if n != "csrf_token")
    return actions


def _own_fields(rule, actions) -> set[str]:
    pattern = re.compile("^" + re.sub(r"<[^>]+>", "[^/]+", rule.rule) + "$")
    found: set[str] = set()
    for action, names in actions.items():
        if pattern.match(action):
            found |= names
    return found


def _login(client, role: str) -> None:
    email, password = next((e, p) for r, e, p in LOGINS if r == role)
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"email": email, "password": password,
                                                "csrf_token": token})
    assert response.status_code == 302


def _may_use(role: str, path_pattern: str) -> bool:
    allowed = _allowed_roles(path_pattern)
    if allowed is None:
        return True
    return role in allowed


def _fuzzer(check, method, paths, forms):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(path=paths, data=forms)
    def fuzz(path, data):
        check(method, path, data)

    return fuzz


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "institution", "mediator"])
def test_fuzzed_forms_and_query_parameters_never_cause_a_server_error(role, app, client,
                                                                       record_property):
    seed_demo(db.session)
    db.session.commit()
    if role != "anonymous":
        _login(client, role)
    token = csrf_token(client, "/auth/login" if role == "anonymous" else "/calendar/feeds")
    by_name = field_strategies(app)
    names = sorted(by_name)
    ids = _ids(app)
    actions = _rendered_forms(client, app, role, ids)
    for fields in actions.values():
        for name in fields - set(by_name):
            by_name[name] = [TEXT]
    failures: list[tuple] = []
    sent = {"GET": 0, "POST": 0}

    def check(method, path, data):
        sent[method] += 1
        try:
            if method == "GET":
                response = client.get(path + ("?" + urlencode(data, doseq=True) if data else ""))
            else:
                response = client.post(path, data={**data, "csrf_token": token})
        except Exception as exc:  # noqa: BLE001 - an exception here is the 500 we look for
            failures.append((method, path, data, repr(exc)[:300]))
            db.session.rollback()
            return
        if response.status_code >= 500:
            failures.append((method, path, data, response.status_code))
            db.session.rollback()

    fuzzed = 0
    for method in ("GET", "POST"):
        for rule in _rules(app, method):
            if rule.rule in SKIP or not _may_use(role, re.sub(r"<[^>]+>", "1", rule.rule)):
                continue
            fuzzed += 1

            _fuzzer(check, method, _path_strategy(rule, ids), _form_strategy(
                names, by_name, _own_fields(rule, actions)))()
    # tests/core/fuzz_report.py prints one summary line per role and database from this
    record_property("fuzz_requests", {"role": role, "database": db.engine.dialect.name,
                                      "routes": fuzzed, **sent})
    assert fuzzed >= 5
    assert failures == [], "\n".join(map(repr, failures[:40]))

