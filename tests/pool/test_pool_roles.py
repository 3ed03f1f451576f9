"""The new pool pages: coordinator only; self-service: mediator only; recruiting: public."""

import pytest

COORDINATOR_PAGES = ("/pool/modules", "/pool/modules/new", "/pool/courses", "/pool/courses/new",
                     "/pool/cohorts", "/pool/applicants", "/pool/language-changes",
                     "/pool/documents/expiring", "/pool/audit")
MEDIATOR_PAGES = ("/me/profile/edit", "/me/languages", "/me/availability", "/me/absences",
                  "/me/qualification", "/me/certificate", "/me/export.json")
ROLES = ("anonymous", "coordinator", "institution", "mediator")


@pytest.mark.parametrize("role", ROLES)
def test_pool_role_matrix(role, client, make_user, login):
    if role != "anonymous":
        login(make_user(role))
    for path in COORDINATOR_PAGES:
        expected = {"anonymous": 302, "coordinator": 200}.get(role, 403)
        assert client.get(path).status_code == expected, path
    for path in MEDIATOR_PAGES:
        expected = {"anonymous": 302, "mediator": 200}.get(role, 403)
        assert client.get(path).status_code == expected, path
    for path in ("/apply", "/privacy"):
        assert client.get(path).status_code == 200, path


def test_page_titles_are_plain_text(client, make_user, login):
    """Guard against markup leaking into <title> (every page must name itself)."""
    import re

    login(make_user("coordinator"))
    for path in COORDINATOR_PAGES:
        html = client.get(path).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title and title.endswith("SKM-Pool"), path


def test_mediator_page_titles_are_plain_text(client, make_user, login):
    import re

    login(make_user("mediator"))
    for path in ("/me/profile", *MEDIATOR_PAGES[:-1]):
        html = client.get(path).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title, path
