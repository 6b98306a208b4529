"""Conciliation of overlaps between projects: detected « à concilier », put « en conciliation »
with a note by the ARS (API and page, errors in place), resolved by an arbitration or by a
territory change; states on the queue, the project page and the coordinator's page; audited."""
from __future__ import annotations

from sqlalchemy import text

from mapper.auth import Principal
from mapper.models import Cpts
from mapper.services.territories import update_cpts
from tests.conftest import CSRF_TOKEN
from tests.factories.world import WorldBuilder
from tests.support import assert_problem, bearer, make_settings

ADMIN = Principal.system("test")


def build(session, tmp_path):
    """Nord and Sud (projects) share 75002; Est (project) shares 75005 with Sud; Calme alone."""
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", (2.25, 48.80), 4, 0.05)
    ids = {"nord": w.cpts("CPTS Nord", ["75001", "75002"]).id,
           "sud": w.cpts("CPTS Sud", ["75002", "75005"]).id,
           "est": w.cpts("CPTS Est", ["75005", "75006"]).id,
           "calme": w.cpts("CPTS Calme", ["75010"]).id}
    session.commit()
    return w, ids


def states(client, token) -> dict:
    resp = client.get("/api/v1/conciliations?region=11", headers=bearer(token))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {(c["a"]["name"], c["b"]["name"]): c for c in resp.get_json()["conciliations"]}


def test_states_through_the_api(client, session, tmp_path, accounts):
    w, ids = build(session, tmp_path)
    _, token = accounts("ars", regions=["11"])
    found = states(client, token)
    assert {k: v["state"] for k, v in found.items()} == {
        ("CPTS Nord", "CPTS Sud"): "a_concilier", ("CPTS Sud", "CPTS Est"): "a_concilier"}
    # en conciliation with a note
    resp = client.patch(f"/api/v1/conciliations/{ids['sud']}/{ids['nord']}",
                        headers=bearer(token),
                        json={"state": "en_conciliation", "note": "Réunion le 12 mai"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["state"] == "en_conciliation"
    assert states(client, token)[("CPTS Nord", "CPTS Sud")]["note"] == "Réunion le 12 mai"
    # bad input: problem+json with the field
    assert "note" in assert_problem(client.patch(
        f"/api/v1/conciliations/{ids['nord']}/{ids['sud']}", headers=bearer(token),
        json={"state": "en_conciliation", "note": ""}), 422)["errors"]
    assert "state" in assert_problem(client.patch(
        f"/api/v1/conciliations/{ids['nord']}/{ids['sud']}", headers=bearer(token),
        json={"state": "resolue_arbitrage", "note": "x"}), 422)["errors"]
    assert_problem(client.patch(f"/api/v1/conciliations/{ids['nord']}/{ids['calme']}",
                                headers=bearer(token),
                                json={"state": "en_conciliation", "note": "x"}), 409)
    # scope: another région's ARS, a coordinator, anonymous
    _, other = accounts("ars", regions=["93"])
    assert_problem(client.get("/api/v1/conciliations?region=11", headers=bearer(other)), 403)
    assert_problem(client.patch(f"/api/v1/conciliations/{ids['nord']}/{ids['sud']}",
                                headers=bearer(other),
                                json={"state": "en_conciliation", "note": "x"}), 403)
    _, coord = accounts("coordinator", cpts_id=ids["nord"])
    assert_problem(client.patch(f"/api/v1/conciliations/{ids['nord']}/{ids['sud']}",
                                headers=bearer(coord),
                                json={"state": "en_conciliation", "note": "x"}), 403)
    assert_problem(client.get("/api/v1/conciliations?region=11"), 401)
    # resolved by arbitration of the shared commune
    resp = client.post("/api/v1/arbitrations", headers=bearer(token), json={
        "commune": "75005", "cpts": [ids["sud"], ids["est"]], "reason": "par quartiers"})
    assert resp.status_code == 201
    assert states(client, token)[("CPTS Sud", "CPTS Est")]["state"] == "resolue_arbitrage"
    assert_problem(client.patch(f"/api/v1/conciliations/{ids['sud']}/{ids['est']}",
                                headers=bearer(token),
                                json={"state": "en_conciliation", "note": "x"}), 409)
    # resolved by a territory change
    nord = session.get(Cpts, ids["nord"])
    update_cpts(session, ADMIN, nord, {"communes": ["75001"]}, settings=w.settings)
    session.commit()
    found = states(client, token)
    assert found[("CPTS Nord", "CPTS Sud")]["state"] == "resolue_territoire"
    assert found[("CPTS Nord", "CPTS Sud")]["note"] == "Réunion le 12 mai"
    audited = session.execute(text(
        "SELECT after ->> 'state' FROM audit_event WHERE action = 'conciliation.state' "
        "AND entity_id = :key ORDER BY id"), {"key": f"{ids['nord']}-{ids['sud']}"}).scalars()
    assert list(audited) == ["a_concilier", "en_conciliation", "resolue_territoire"]


def test_ars_page_form_errors_in_place_and_coordinator_page(client, session, tmp_path,
                                                            sign_in):
    _, ids = build(session, tmp_path)
    sign_in("ars", regions=["11"])
    html = client.get("/ars?region=11").get_data(as_text=True)
    assert "À concilier" in html
    page = client.get("/ars/projets/cpts-nord").get_data(as_text=True)
    assert "Conciliation :" in page and "Passer en conciliation" in page
    resp = client.post(f"/ars/projets/cpts-nord/conciliation/{ids['sud']}",
                       data={"csrf_token": CSRF_TOKEN, "note": "  "})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert f'id="concil-erreur-{ids["sud"]}"' in html and "La note est obligatoire" in html
    resp = client.post(f"/ars/projets/cpts-nord/conciliation/{ids['sud']}",
                       data={"csrf_token": CSRF_TOKEN, "note": "Médiation <b>prévue</b>"})
    assert resp.status_code == 302
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "En conciliation" in html and "Médiation &lt;b&gt;prévue&lt;/b&gt;" in html
    assert "Conciliation d&#39;un chevauchement" in html or "Conciliation d'un chevauchement" in html
    # the CPTS page: state for everyone, the note only for those who manage the CPTS
    public = client.get("/cpts/cpts-sud").get_data(as_text=True)
    assert "Chevauchements avec d&#39;autres projets" in public or \
        "Chevauchements avec d'autres projets" in public
    assert "En conciliation" in public
    with client.session_transaction() as cookie:
        cookie.clear()
    anonymous = client.get("/cpts/cpts-sud").get_data(as_text=True)
    assert "En conciliation" in anonymous and "Médiation" not in anonymous
    sign_in("coordinator", cpts_id=ids["sud"])
    mine = client.get("/cpts/cpts-sud").get_data(as_text=True)
    assert "Médiation &lt;b&gt;prévue&lt;/b&gt;" in mine
