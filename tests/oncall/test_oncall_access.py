"""Who may see the rota, reserve a place and change free places: every role against every
endpoint and page of the on-call screens (API with tokens, pages with a signed-in session)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mapper.models import Shift
from tests.factories.shifts import current_shift
from tests.support import assert_problem, bearer

from .conftest import make_accounts

#: role → (GET oncall, POST reservation, POST free-places) statuses of the API.
API = {
    "anonymous": (401, 401, 401),
    "pharmacist": (200, 201, 403),
    "holder": (200, 201, 200),
    "other_pro": (403, 403, 403),
    "coordinator": (200, 201, 200),
    "other_coordinator": (403, 403, 403),
    "ars": (200, 403, 403),
    "other_ars": (403, 403, 403),
    "admin": (200, 201, 200),
}
#: role → (GET /cpts/<slug>/astreintes, POST reserve, GET /moi/astreintes,
#:         POST /moi/astreintes/<id>, GET /astreintes) statuses of the pages.
PAGES = {
    "anonymous": (302, 401, 302, 401, 302),
    "pharmacist": (200, 303, 200, 403, 302),
    "holder": (200, 303, 200, 303, 302),
    "other_pro": (403, 403, 200, 403, 302),
    "coordinator": (200, 303, 403, 303, 302),
    "other_coordinator": (403, 403, 403, 403, 302),
    "ars": (200, 403, 403, 403, 200),
    "other_ars": (403, 403, 403, 403, 200),
    "admin": (200, 303, 403, 303, 200),
}


@pytest.fixture()
def setup(session, world):
    accounts = make_accounts(session, world)
    shift = current_shift(session, world.cpts["sud"], world.pros["nurse"], free_places=50)
    session.commit()
    return accounts, shift.id


def _places(session, shift_id: int) -> int:
    session.expire_all()
    return session.scalar(select(Shift.free_places).where(Shift.id == shift_id))


@pytest.mark.parametrize("role", API)
def test_api_role_matrix(client, session, world, setup, role):
    accounts, shift_id = setup
    headers = {} if role == "anonymous" else bearer(accounts[role][1])
    expected = API[role]
    got = client.get(f"/api/v1/cpts/{world.slugs['sud']}/oncall", headers=headers)
    assert got.status_code == expected[0], got.get_data(as_text=True)
    if got.status_code == 200:
        body = got.get_json()
        assert [s["id"] for s in body["shifts"]] == [shift_id]
        # the direct line by the colleague rule (issue 17): never to an ARS officer
        assert body["shifts"][0]["private_phone"] == (
            None if role.startswith("ars") else "06 11 22 33 44")
    else:
        assert_problem(got, expected[0])
    before = _places(session, shift_id)
    got = client.post(f"/api/v1/shifts/{shift_id}/reservations", headers=headers,
                      json={"note": "entorse"})
    assert got.status_code == expected[1], got.get_data(as_text=True)
    assert _places(session, shift_id) == before - (got.status_code == 201)
    before = _places(session, shift_id)
    got = client.post(f"/api/v1/shifts/{shift_id}/free-places", headers=headers,
                      json={"action": "increment"})
    assert got.status_code == expected[2], got.get_data(as_text=True)
    assert _places(session, shift_id) == before + (got.status_code == 200)


def _sign_in(client, session, account) -> None:
    from mapper.services.accounts.sessions import open_session

    with client.session_transaction() as cookie:
        if account is not None:
            cookie["sid"] = open_session(session, account)
        cookie["csrf"] = "t"
    session.commit()


@pytest.mark.parametrize("role", PAGES)
def test_pages_role_matrix(client, session, world, setup, role):
    accounts, shift_id = setup
    _sign_in(client, session, None if role == "anonymous" else accounts[role][0])
    expected, slug = PAGES[role], world.slugs["sud"]
    got = client.get(f"/cpts/{slug}/astreintes")
    assert got.status_code == expected[0]
    if got.status_code == 200:
        html = got.get_data(as_text=True)
        assert "Anaïs Martin" in html and 'href="tel:0145000000"' in html
    elif got.status_code == 302:
        assert "/connexion" in got.headers["Location"]
    before = _places(session, shift_id)
    got = client.post(f"/cpts/{slug}/astreintes/{shift_id}/reserver",
                      data={"csrf_token": "t", "note": "plaie"})
    assert got.status_code == expected[1]
    assert _places(session, shift_id) == before - (got.status_code == 303)
    assert client.get("/moi/astreintes").status_code == expected[2]
    before = _places(session, shift_id)
    got = client.post(f"/moi/astreintes/{shift_id}", data={"csrf_token": "t", "action": "plus"})
    assert got.status_code == expected[3]
    assert _places(session, shift_id) == before + (got.status_code == 303)
    assert client.get("/astreintes").status_code == expected[4]


def test_astreintes_sends_a_member_to_their_cpts(client, session, world, setup):
    accounts, _ = setup
    _sign_in(client, session, accounts["pharmacist"][0])
    got = client.get("/astreintes")
    assert got.headers["Location"].endswith(f"/cpts/{world.slugs['sud']}/astreintes")
    _sign_in(client, session, accounts["admin"][0])
    html = client.get("/astreintes").get_data(as_text=True)
    assert "CPTS Sud" in html and "CPTS Est" in html


def test_api_errors_name_the_field_and_write_nothing(client, session, world, setup):
    accounts, shift_id = setup
    headers = bearer(accounts["pharmacist"][1])
    body = assert_problem(client.post(f"/api/v1/shifts/{shift_id}/reservations",
                                      headers=headers, json={"note": "Mme Dupont"}), 422)
    assert "note" in str(body)
    assert assert_problem(client.get(f"/api/v1/cpts/{world.slugs['sud']}/oncall?lat=48.8",
                                     headers=headers), 422)
    assert_problem(client.post("/api/v1/shifts/999999/reservations", headers=headers,
                               json={}), 404)
    holder = bearer(accounts["holder"][1])
    body = assert_problem(client.post(f"/api/v1/shifts/{shift_id}/free-places", headers=holder,
                                      json={"action": "set"}), 422)
    assert "value" in str(body)
    assert _places(session, shift_id) == 50
    client.post(f"/api/v1/shifts/{shift_id}/free-places", headers=holder,
                json={"action": "full"})
    body = assert_problem(client.post(f"/api/v1/shifts/{shift_id}/reservations",
                                      headers=headers, json={}), 409)
    assert "Plus de place libre" in body["detail"]


def test_a_note_with_a_patient_name_is_refused_on_the_page(client, session, world, setup):
    accounts, shift_id = setup
    _sign_in(client, session, accounts["pharmacist"][0])
    got = client.post(f"/cpts/{world.slugs['sud']}/astreintes/{shift_id}/reserver",
                      data={"csrf_token": "t", "note": "Mme Dupont"})
    assert got.status_code == 422
    html = got.get_data(as_text=True)
    assert "pas de nom de patient" in html and 'aria-invalid="true"' in html
    assert _places(session, shift_id) == 50


def test_the_holder_sets_a_number_and_a_bad_one_changes_nothing(client, session, world, setup):
    accounts, shift_id = setup
    _sign_in(client, session, accounts["holder"][0])
    got = client.post(f"/moi/astreintes/{shift_id}",
                      data={"csrf_token": "t", "action": "fixer", "places": "4"})
    assert got.status_code == 303 and _places(session, shift_id) == 4
    got = client.post(f"/moi/astreintes/{shift_id}",
                      data={"csrf_token": "t", "action": "fixer", "places": "-2"},
                      follow_redirects=True)
    assert "Nombre de places invalide" in got.get_data(as_text=True)
    assert _places(session, shift_id) == 4
    client.post(f"/moi/astreintes/{shift_id}", data={"csrf_token": "t", "action": "complet"})
    got = client.post(f"/moi/astreintes/{shift_id}", data={"csrf_token": "t", "action": "moins"},
                      follow_redirects=True)
    assert "Déjà complet" in got.get_data(as_text=True) and _places(session, shift_id) == 0
