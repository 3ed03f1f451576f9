"""The role matrix: each role against each area (200 / 403 / redirect to login)."""

import pytest

from app.extensions import db

AREAS = {
    "coordinator_mediators": "/pool/mediators",
    "coordinator_new_mediator": "/pool/mediators/new",
    "coordinator_mediator": "/pool/mediators/{mediator_id}",
    "coordinator_institutions": "/coordination/institutions",
    "coordinator_institution": "/coordination/institutions/{institution_id}",
    "mediator_profile": "/me/profile",
    "home": "/",
    "coordinator_requests": "/coordination/requests",
    "institution_requests": "/requests/",
    "institution_new_request": "/requests/new",
    "mediator_offers": "/me/offers",
}

EXPECTED = {
    # area: (anonymous, coordinator, institution, mediator)
    "coordinator_mediators": (302, 200, 403, 403),
    "coordinator_new_mediator": (302, 200, 403, 403),
    "coordinator_mediator": (302, 200, 403, 403),
    "coordinator_institutions": (302, 200, 403, 403),
    "coordinator_institution": (302, 200, 403, 403),
    "mediator_profile": (302, 403, 403, 200),
    "home": (302, 200, 200, 200),  # the start pages (anonymous: to the login)
    "coordinator_requests": (302, 200, 403, 403),
    "institution_requests": (302, 403, 200, 403),
    "institution_new_request": (302, 403, 200, 403),
    "mediator_offers": (302, 403, 403, 200),
}
ROLES = ("anonymous", "coordinator", "institution", "mediator")


@pytest.mark.parametrize("area", sorted(AREAS))
@pytest.mark.parametrize("role_index", range(4), ids=ROLES)
def test_role_matrix(area, role_index, client, make_user, login):
    role = ROLES[role_index]
    mediator_user = make_user("mediator")
    institution_user = make_user("institution")
    users = {"coordinator": make_user("coordinator"), "institution": institution_user,
             "mediator": mediator_user}
    if role != "anonymous":
        login(users[role])
    url = AREAS[area].format(mediator_id=mediator_user.mediator_id,
                             institution_id=institution_user.institution_id)
    response = client.get(url)
    assert response.status_code == EXPECTED[area][role_index]
    if response.status_code == 302 and role == "anonymous":
        assert "/auth/login" in response.headers["Location"]
    if response.status_code == 403:
        assert "Zugriff verweigert" in response.get_data(as_text=True)


def test_mediator_sees_only_own_profile(client, make_user, login, make_mediator):
    me = make_user("mediator")
    other = make_mediator(first_name="Fremde", last_name="Person")
    db.session.commit()
    login(me)
    html = client.get("/me/profile").get_data(as_text=True)
    assert me.mediator.last_name in html
    assert "Fremde" not in html
    assert client.get(f"/pool/mediators/{other.id}").status_code == 403


def test_institution_home_shows_only_own_institution(client, make_user, login,
                                                      make_institution):
    user = make_user("institution")
    other = make_institution(name="Andere Schule", kind="school")
    db.session.commit()
    login(user)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert user.institution.name in html
    assert other.name not in html
    assert client.get(f"/coordination/institutions/{other.id}").status_code == 403
