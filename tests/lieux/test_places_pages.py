"""The coordinator's pages /cpts/<slug>/lieux and the closures on /moi, over HTTP: create,
edit, delete, closures, French errors beside the fields, nothing written on bad input."""
from __future__ import annotations

from sqlalchemy import text

from .conftest import TOKEN

FORM = {"csrf_token": TOKEN, "nom": "Centre de santé Brune", "type": "centre_sante",
        "adresse": "9 boulevard Brune", "code_postal": "75014", "commune": "75002",
        "telephone": "01 99 10 00 02", "finess": "", "accessible": "oui", "site_web": "",
        "notes": ""}


def places(session) -> list[tuple]:
    return session.execute(text("SELECT name, kind, commune_code FROM place ORDER BY id")).all()


def test_only_the_cpts_coordinator_or_an_admin(client, sign_in, two_cpts):
    assert client.get("/cpts/cpts-paris-14/lieux").status_code == 302  # to /connexion
    sign_in("coordinator", cpts_id=two_cpts[1])
    assert client.get("/cpts/cpts-paris-14/lieux").status_code == 403
    sign_in("admin")
    assert client.get("/cpts/cpts-paris-14/lieux").status_code == 200


def test_coordinator_creates_edits_and_deletes_a_place(client, session, sign_in, two_cpts):
    sign_in("coordinator", cpts_id=two_cpts[0])
    page = client.get("/cpts/cpts-paris-14/lieux").get_data(as_text=True)
    assert "Aucun lieu pour l'instant." in page
    resp = client.post("/cpts/cpts-paris-14/lieux", data=FORM)
    assert resp.status_code == 302
    assert places(session) == [("Centre de santé Brune", "centre_sante", "75002")]
    place_id = session.execute(text("SELECT id FROM place")).scalar_one()
    listed = client.get("/cpts/cpts-paris-14/lieux").get_data(as_text=True)
    assert "Centre de santé Brune" in listed and "tel:0199100002" in listed
    edit = client.get(f"/cpts/cpts-paris-14/lieux/{place_id}").get_data(as_text=True)
    assert 'value="Centre de santé Brune"' in edit
    resp = client.post(f"/cpts/cpts-paris-14/lieux/{place_id}",
                       data={**FORM, "nom": "CDS Brune", "commune": edit and "75002"})
    assert resp.status_code == 302 and places(session)[0][0] == "CDS Brune"
    resp = client.post(f"/cpts/cpts-paris-14/lieux/{place_id}/supprimer",
                       data={"csrf_token": TOKEN})
    assert resp.status_code == 302 and places(session) == []


def test_bad_input_is_said_beside_the_field_and_writes_nothing(client, session, sign_in,
                                                               two_cpts):
    sign_in("coordinator", cpts_id=two_cpts[0])
    resp = client.post("/cpts/cpts-paris-14/lieux",
                       data={**FORM, "finess": "750712185", "type": "", "nom": ""})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "clé de contrôle" in page and 'id="finess-erreur"' in page
    assert 'id="type-erreur"' in page and 'id="nom-erreur"' in page
    assert "Traceback" not in page and places(session) == []


def test_place_closures_from_its_page(client, session, sign_in, two_cpts):
    sign_in("coordinator", cpts_id=two_cpts[0])
    client.post("/cpts/cpts-paris-14/lieux", data=FORM)
    place_id = session.execute(text("SELECT id FROM place")).scalar_one()
    base = f"/cpts/cpts-paris-14/lieux/{place_id}/fermetures"
    bad = client.post(base, data={"csrf_token": TOKEN, "du": "2099-08-15", "au": "2099-08-01"})
    assert bad.status_code == 422 and 'id="au-erreur"' in bad.get_data(as_text=True)
    ok = client.post(base, data={"csrf_token": TOKEN, "du": "2099-08-01", "au": "2099-08-15",
                                 "motif": "travaux"})
    assert ok.status_code == 302
    page = client.get(f"/cpts/cpts-paris-14/lieux/{place_id}").get_data(as_text=True)
    assert "travaux" in page
    closure_id = session.execute(text("SELECT id FROM closure")).scalar_one()
    client.post(f"{base}/{closure_id}/supprimer", data={"csrf_token": TOKEN})
    assert session.execute(text("SELECT count(*) FROM closure")).scalar_one() == 0


def test_my_closures_and_my_place_on_moi(client, session, settings, sign_in, world,
                                         two_cpts):
    from mapper.services.directory.places import create_place

    pid = world.professional(site=(48.83, 2.32), commune="75002", cpts=[two_cpts[0]])
    msp = create_place(session, {"name": "MSP des Essais", "kind": "msp", "cpts": two_cpts[0],
                                 "address": "1 rue de l'MSP", "lat": 48.83, "lon": 2.32},
                       None, settings)
    session.commit()
    sign_in("professional", professional_id=pid)
    page = client.get("/moi").get_data(as_text=True)
    assert "Mes fermetures" in page and "MSP des Essais" in page
    ok = client.post("/moi/fermetures", data={"csrf_token": TOKEN, "du": "2099-07-01",
                                              "au": "", "motif": ""})
    assert ok.status_code == 302
    days = session.execute(text("SELECT starts_on, ends_on FROM closure WHERE "
                                "professional_id = :p"), {"p": pid}).one()
    assert days[0] == days[1]
    bad = client.post("/moi/fermetures", data={"csrf_token": TOKEN, "du": "pas une date"})
    assert bad.status_code == 422 and 'id="du-erreur"' in bad.get_data(as_text=True)
    linked = client.post("/moi/lieux", data={"csrf_token": TOKEN, "site-0-lieu": msp["id"]})
    assert linked.status_code == 302
    public = client.get(f"/professionnels/{pid}").get_data(as_text=True)
    assert "Exerce à « MSP des Essais »" in public
