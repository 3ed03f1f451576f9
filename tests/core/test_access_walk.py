"""Walk the whole URL map: every route's access for every role and anonymous, and CSRF on
every state-changing route. New routes are covered automatically."""

from __future__ import annotations

import re

import pytest

# Which roles may use a URL area (by path prefix); anything else is public.
AREA_ROLES = [
    ("/pool/", {"coordinator"}),
    ("/coordination/", {"coordinator"}),
    ("/meetings/", {"coordinator"}),
    ("/reports/", {"coordinator"}),
    ("/me/", {"mediator"}),
    ("/requests/", {"institution"}),
]
# Public endpoints (no login): login pages, token links, feeds, public pages.
PUBLIC_PREFIXES = ("/auth/", "/static/", "/healthz", "/language/", "/calendar/", "/apply",
                   "/privacy", "/offers/")
ROLES = ("anonymous", "coordinator", "institution", "mediator")


def _placeholder(match: re.Match) -> str:
    converter, name = match.group(1) or "", match.group(2)
    if converter.startswith("any("):
        return converter[4:].split(",")[0].strip(" )'\"")
    if converter.startswith("int") or "id" in name:
        return "1"
    return "x"


def _url_for_rule(rule) -> str:
    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", _placeholder, rule.rule)


# Signed links that work without a login although they live in a role's area.
TOKEN_LINKS = ("/me/offers/answer/", "/me/report/", "/requests/follow-up/")


def _allowed_roles(path: str) -> set[str] | None:
    if path.startswith(TOKEN_LINKS):
        return None
    for prefix, roles in AREA_ROLES:
        if path.startswith(prefix):
            return roles
    return None


def _rules(app, method):
    return sorted(
        (r for r in app.url_map.iter_rules() if method in r.methods
         and not r.rule.startswith("/static")),
        key=lambda r: r.rule,
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_enforces_its_role(role, app, client, make_user, login):
    if role != "anonymous":
        login(make_user(role))
    problems = []
    for rule in _rules(app, "GET"):
        path = _url_for_rule(rule)
        response = client.get(path)
        code = response.status_code
        if code >= 500:
            problems.append((path, code, "server error"))
            continue
        allowed = _allowed_roles(path)
        if allowed is None:
            continue
        if role == "anonymous":
            if code != 302 or "/auth/login" not in response.headers.get("Location", ""):
                problems.append((path, code, "anonymous not sent to login"))
        elif role not in allowed and code != 403:
            problems.append((path, code, f"{role} not refused"))
        elif role in allowed and code == 403:
            problems.append((path, code, f"{role} refused"))
    assert problems == []


def test_every_post_route_rejects_a_missing_csrf_token(app, client, make_user, login):
    login(make_user("coordinator"))
    problems = []
    for rule in _rules(app, "POST"):
        path = _url_for_rule(rule)
        code = client.post(path, data={}).status_code
        if code != 400:
            problems.append((path, code))
    assert problems == []
    assert len(_rules(app, "POST")) >= 10
