"""/moi: a professional keeps their own entry current and confirms it; errors beside fields,
nothing written on error."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from tests.web.conftest import TOKEN


def entry(session, pid):
    from mapper.services.directory import professional_private

    session.expire_all()
    return professional_private(session, pid)


def form(**overrides):
    data = {"csrf_token": TOKEN, "competences": ["diabete", "plaies-cicatrisation"],
            "nouveaux_patients": "non", "domicile": "1", "zone_communes": "75002\nCommune 75-4",
            "zone_rayon": "", "creneaux": "3",
            "creneau-0-jour": "2", "creneau-0-debut": "08:00", "creneau-0-fin": "12:00",
            "creneau-0-type": "snp",
            "creneau-1-jour": "", "creneau-1-debut": "", "creneau-1-fin": "",
            "creneau-1-type": "snp",
            "creneau-2-jour": "5", "creneau-2-debut": "18:00", "creneau-2-fin": "20:00",
            "creneau-2-type": "vaccination"}
    data.update(overrides)
    return data


def test_role_checks(client, world, sign_in):
    resp = client.get("/moi")
    assert resp.status_code == 302 and resp.headers["Location"] == "/connexion?next=/moi"
    with client.session_transaction() as cookie:
        cookie["csrf"] = TOKEN
    assert client.post("/moi", data={"csrf_token": TOKEN}).status_code == 401
    assert client.post("/moi/confirmer", data={"csrf_token": TOKEN}).status_code == 401
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    assert client.get("/moi").status_code == 403
    assert client.post("/moi/confirmer", data={"csrf_token": TOKEN}).status_code == 403


def test_form_shows_the_entry(client, world, sign_in):
    sign_in("professional", professional_id=world.pros["nurse"])
    html = client.get("/moi").get_data(as_text=True)
    assert "Ma fiche : Anaïs Martin" in html
    assert re.search(r'value="plaies-cicatrisation" id="competences-\d+" checked', html)
    assert not re.search(r'value="diabete" id="competences-\d+" checked', html)
    assert 'id="np-oui" checked' in html
    assert "Commune 75-2 (75002)\nCommune 75-3 (75003)</textarea>" in html  # names, not codes
    assert 'name="creneaux" value="9"' in html  # 7 slots and 2 blank rows


def test_update_my_entry(client, world, sign_in, session):
    pid = world.pros["nurse"]
    sign_in("professional", professional_id=pid)
    resp = client.post("/moi", data=form())
    assert resp.status_code == 302, resp.get_data(as_text=True)
    e = entry(session, pid)
    assert e["competencies"] == ["diabete", "plaies-cicatrisation"]
    assert e["accepts_new_patients"] is False
    assert e["zones"][0]["communes"] == ["75002", "75004"]
    assert [(s["weekday"], s["start"], s["end"], s["kind"]) for s in e["slots"]] == [
        (2, "08:00", "12:00", "snp"), (5, "18:00", "20:00", "vaccination")]
    assert client.get("/moi").get_data(as_text=True).count("Votre fiche est enregistrée") == 1
    # a radius zone around the practice site, and a deleted slot
    resp = client.post("/moi", data=form(zone_communes="", zone_rayon="2,5",
                                         **{"creneau-2-suppr": "1"}))
    assert resp.status_code == 302
    e = entry(session, pid)
    assert [(z["kind"], z.get("radius_km")) for z in e["zones"]] == [("radius", 2.5)]
    assert len(e["slots"]) == 1


def test_zone_communes_by_name_tolerantly(client, world, sign_in, session):
    """The zone is shown as « Nom (code) », read back as such; a misspelled name is answered
    with « Voulez-vous dire … » beside the field, and nothing is written."""
    pid = world.pros["nurse"]
    sign_in("professional", professional_id=pid)
    shown = client.get("/moi").get_data(as_text=True)
    kept = shown.split('name="zone_communes"')[1].split(">", 1)[1].split("</textarea>")[0]
    resp = client.post("/moi", data=form(zone_communes=kept + "\ncommune 75 4"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert entry(session, pid)["zones"][0]["communes"] == ["75002", "75003", "75004"]
    resp = client.post("/moi", data=form(zone_communes="Comune 75-4"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Commune inconnue : « Comune 75-4 ». Voulez-vous dire « Commune 75-4 (75) »" in html
    assert entry(session, pid)["zones"][0]["communes"] == ["75002", "75003", "75004"]


def test_errors_write_nothing(client, world, sign_in, session):
    pid = world.pros["nurse"]
    sign_in("professional", professional_id=pid)
    before = entry(session, pid)
    audits = session.execute(text("SELECT count(*) FROM audit_event")).scalar()
    cases = [
        ({"creneau-0-debut": "8h"}, "creneau-0", "Heures attendues au format HH:MM."),
        ({"creneau-0-fin": "08:00"}, "creneau-0", "L&#39;heure de fin doit différer"),
        ({"creneau-2-jour": ""}, "creneau-2", "Choisissez un jour."),
        ({"creneau-0-type": "autre"}, "creneau-0", "Type de créneau inconnu."),
        ({"zone_communes": "Atlantide"}, "zone-communes", "Commune inconnue"),
        ({"zone_rayon": "500"}, "zone-rayon", "Rayon entre 0 et 100 km."),
        ({"zone_rayon": "abc"}, "zone-rayon", "Rayon entre 0 et 100 km."),
        ({"nouveaux_patients": "peut-être"}, "nouveaux-patients", "Choisissez oui, non"),
        ({"competences": ["inconnue"]}, "competences", "Compétence inconnue."),
    ]
    for overrides, field, message in cases:
        resp = client.post("/moi", data=form(**overrides))
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, overrides
        assert f'id="{field}-erreur"' in html and message in html, (overrides, field)
        assert 'role="alert"' in html
    after = entry(session, pid)
    assert after["slots"] == before["slots"] and after["zones"] == before["zones"]
    assert after["competencies"] == before["competencies"]
    assert session.execute(text("SELECT count(*) FROM audit_event")).scalar() == audits
    resp = client.post("/moi", data={k: v for k, v in form().items() if k != "csrf_token"})
    assert resp.status_code == 400


def test_confirm_sets_last_verified_at(client, world, sign_in, session):
    pid = world.pros["doctor"]
    sign_in("professional", professional_id=pid)
    html = client.get("/moi").get_data(as_text=True)
    assert "depuis plus de 6 mois" in html
    resp = client.post("/moi/confirmer", data={"csrf_token": TOKEN})
    assert resp.status_code == 302
    session.expire_all()
    verified = session.execute(text("SELECT last_verified_at FROM professional WHERE id = :i"),
                               {"i": pid}).scalar()
    assert verified > datetime.now(timezone.utc) - timedelta(minutes=1)
    assert session.execute(text("SELECT count(*) FROM audit_event WHERE action = "
                                "'professional.confirm' AND entity_id = :i"),
                           {"i": str(pid)}).scalar() == 1
    html = client.get("/moi").get_data(as_text=True)
    assert "confirmée comme exacte" in html and "depuis plus de 6 mois" not in html
    assert client.post("/moi/confirmer").status_code == 400  # no CSRF token
