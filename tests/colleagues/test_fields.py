"""The professional-only fields of an entry (issue 17): written through the API PATCH, /moi and
the coordinator's member entry form, checked (MSSanté domain, vocabulary, 280 characters, NUL)
with field-level French reasons, nothing written on error, and every write audited."""
from __future__ import annotations

from sqlalchemy import text

from tests.conftest import CSRF_TOKEN
from tests.support import assert_problem, bearer


def entry(session, pid):
    from mapper.services.directory import professional_private

    session.expire_all()
    return professional_private(session, pid)


def last_event(session, pid):
    return session.execute(text(
        "SELECT action, before, after FROM audit_event WHERE entity_type = 'professional' "
        "AND entity_id = :id ORDER BY id DESC LIMIT 1"), {"id": str(pid)}).one()


def test_the_api_patch_writes_the_fields_and_audits_them(client, session, world, accounts):
    pid = world.pros["nurse"]
    _, token = accounts("professional", professional_id=pid)
    body = {"private_phone": "06 12 34 56 78", "mssante": "anais.martin@infirmier.mssante.fr",
            "referral_preference": "phone", "takes_referrals": False,
            "colleague_note": "Pansements complexes le matin."}
    resp = client.patch(f"/api/v1/professionals/{pid}", json=body, headers=bearer(token))
    assert resp.status_code == 200, resp.get_json()
    assert {k: resp.get_json()[k] for k in body} == body
    assert {k: entry(session, pid)[k] for k in body} == body
    event = last_event(session, pid)
    assert event.action == "professional.update"
    assert event.before["mssante"] == "nurse@kine.mssante.fr"
    assert event.after["mssante"] == "anais.martin@infirmier.mssante.fr"


def test_bad_values_are_refused_field_by_field_and_nothing_is_written(client, session, world,
                                                                      accounts):
    pid = world.pros["nurse"]
    _, token = accounts("admin")
    before = entry(session, pid)
    resp = client.patch(f"/api/v1/professionals/{pid}", headers=bearer(token), json={
        "mssante": "anais@gmail.com", "referral_preference": "fax",
        "colleague_note": "x" * 281, "private_phone": "06"})
    body = assert_problem(resp, 422)
    assert set(body["errors"]) == {"mssante", "referral_preference", "colleague_note"}
    assert "MSSanté" in body["errors"]["mssante"][0]
    assert "280 caractères au plus" in body["errors"]["colleague_note"][0]
    for bad in ("anais@mssante.fr.example.org", "anais@notmssante.fr", "@medecin.mssante.fr"):
        resp = client.patch(f"/api/v1/professionals/{pid}", headers=bearer(token),
                            json={"mssante": bad})
        assert "mssante" in assert_problem(resp, 422)["errors"], bad
    resp = client.patch(f"/api/v1/professionals/{pid}", headers=bearer(token),
                        json={"colleague_note": "a\x00b"})
    assert resp.status_code in (400, 422) and "colleague_note" in resp.get_data(as_text=True)
    assert entry(session, pid) == before


def test_a_professional_of_the_same_cpts_cannot_write_them(client, session, world, accounts):
    _, token = accounts("professional", professional_id=world.pros["nurse"])
    resp = client.patch(f"/api/v1/professionals/{world.pros['physio']}", headers=bearer(token),
                        json={"mssante": "x@medecin.mssante.fr"})
    assert_problem(resp, 403)


def moi_form(**overrides):
    data = {"csrf_token": CSRF_TOKEN, "competences": [], "nouveaux_patients": "",
            "zone_communes": "", "zone_rayon": "", "creneaux": "0",
            "ligne_directe": "06 01 02 03 04", "mssante": "anais.martin@infirmier.mssante.fr",
            "adressage": "letter", "adresses": "oui", "note_confreres": "Le matin."}
    data.update(overrides)
    return data


def test_moi_shows_and_writes_the_fields(client, session, world, sign_in):
    pid = world.pros["nurse"]
    sign_in("professional", professional_id=pid)
    html = client.get("/moi").get_data(as_text=True)
    assert "Pour les confrères (jamais montré au public)" in html
    assert 'value="nurse@kine.mssante.fr"' in html and "Note-confidentielle-nurse" in html
    resp = client.post("/moi", data=moi_form())
    assert resp.status_code == 302
    after = entry(session, pid)
    assert (after["private_phone"], after["mssante"], after["referral_preference"],
            after["takes_referrals"], after["colleague_note"]) == (
        "06 01 02 03 04", "anais.martin@infirmier.mssante.fr", "letter", True, "Le matin.")
    assert last_event(session, pid).action == "professional.update"


def test_moi_errors_are_beside_the_fields(client, session, world, sign_in):
    pid = world.pros["nurse"]
    sign_in("professional", professional_id=pid)
    before = entry(session, pid)
    resp = client.post("/moi", data=moi_form(mssante="anais@gmail.com", adressage="fax"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="mssante-erreur"' in html or "mssante" in html
    assert "Adresse MSSanté attendue, par exemple jean.dupont@medecin.mssante.fr." in html
    assert "Choisissez téléphone, MSSanté ou courrier." in html
    assert 'value="anais@gmail.com"' in html  # what was typed is shown again
    assert entry(session, pid) == before


def test_the_coordinator_edits_them_on_the_member_entry_form(client, session, world, sign_in):
    pid = world.pros["physio"]
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    url = f"/cpts/{world.slugs['sud']}/membres/{pid}/fiche"
    html = client.get(url).get_data(as_text=True)
    assert "Reçoit les patients adressés par un confrère ?" in html
    assert 'id="adresses-oui" checked' in html
    resp = client.post(url, data=moi_form(adresses="non", mssante=""))
    assert resp.status_code == 302
    after = entry(session, pid)
    assert after["takes_referrals"] is False and after["mssante"] is None
    # A coordinator of another CPTS may not.
    sign_in("coordinator", cpts_id=world.cpts["est"])
    assert client.post(url, data=moi_form()).status_code in (403, 404)


def test_the_openapi_document_describes_them_and_who_sees_them(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    fields = ("private_phone", "mssante", "referral_preference", "takes_referrals",
              "colleague_note")
    for name in ("Professional", "SearchResult"):
        props = schemas[name]["properties"]
        for field in fields:
            assert "Réservé aux confrères" in props[field]["description"], (name, field)
    results = schemas["SearchResults"]["properties"]["results"]["items"]
    assert results["$ref"].endswith("/SearchResult")
    params = doc["paths"]["/api/v1/professionals/search"]["get"]["parameters"]
    assert "takes_referrals" in {p["name"] for p in params}
