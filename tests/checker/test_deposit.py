"""« Déposer ce territoire comme projet » through HTTP, by role: anonymous (a sign-in link, 401),
professional (403), coordinator (own CPTS; confirmation before replacing; validated CPTS
refused), ARS of the région and admin (a new CPTS project), ARS of another région (403)."""
from __future__ import annotations

import json

from sqlalchemy import text

from tests.web.conftest import TOKEN

from .conftest import commune_geojson, qgis_file, reproject


def deposit(client, **form):
    return client.post("/territoires/verifier/deposer", data={"csrf_token": TOKEN, **form})


def audit(session, action: str) -> list:
    return [int(i) for i in session.execute(text(
        "SELECT entity_id FROM audit_event WHERE action = :a AND entity_type = 'cpts'"),
        {"a": action}).scalars()]


def cpts_row(session, cpts_id):
    return session.execute(text(
        "SELECT name, status, population, territory_kind FROM cpts WHERE id = :i"),
        {"i": cpts_id}).one()


def test_anonymous_gets_a_sign_in_link_and_cannot_post(client, world):
    html = client.get("/territoires/verifier?communes=75016").get_data(as_text=True)
    assert "Connectez-vous pour déposer ce territoire" in html
    assert 'href="/connexion?next=/territoires/verifier?communes%3D75016"' in html
    with client.session_transaction() as cookie:
        cookie["csrf"] = TOKEN
    assert deposit(client, communes="75016", nom="X").status_code == 401


def test_professional_has_no_form(client, world, sign_in):
    sign_in("professional", professional_id=world.pros["nurse"])
    html = client.get("/territoires/verifier?communes=75016").get_data(as_text=True)
    assert "Seuls un coordinateur de CPTS" in html and "Créer le projet" not in html
    assert deposit(client, communes="75016", nom="X").status_code == 403


def test_ars_creates_a_project_from_a_lambert93_upload(client, world, sign_in, session):
    sign_in("ars", regions=["11"])
    fc = qgis_file(reproject(commune_geojson(session, "75016")))
    with client.session_transaction() as cookie:
        cookie["csrf"] = TOKEN
    import io
    resp = client.post("/territoires/verifier", content_type="multipart/form-data", data={
        "csrf_token": TOKEN, "fichier": (io.BytesIO(json.dumps(fc).encode()), "t.geojson")})
    html = resp.get_data(as_text=True)
    assert 'id="nom"' in html and "Créer le projet de CPTS" in html
    geometry = html.split('name="geometrie" value="')[1].split('"')[0].replace("&#34;", '"')
    resp = deposit(client, geometrie=geometry)  # no name
    assert resp.status_code == 422 and 'id="nom-erreur"' in resp.get_data(as_text=True)
    resp = deposit(client, geometrie=geometry, nom="CPTS du Coin")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    slug = resp.headers["Location"].split("/cpts/")[1].split("#")[0]
    cpts_id = session.execute(text("SELECT id FROM cpts WHERE slug = :s"), {"s": slug}).scalar()
    row = cpts_row(session, cpts_id)
    assert (row.name, row.status, row.territory_kind) == ("CPTS du Coin", "projet", "drawn")
    assert row.population == 16000
    assert cpts_id in audit(session, "cpts.create")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "CPTS du Coin" in page and "Territoire déposé" in page


def test_ars_of_another_region_and_a_validated_overlap_are_refused(client, world, sign_in,
                                                                    session):
    before = session.execute(text("SELECT count(*) FROM cpts")).scalar()
    sign_in("ars", regions=["84"])
    resp = deposit(client, communes="75016", nom="CPTS Ailleurs")
    assert resp.status_code == 403
    sign_in("admin")
    resp = deposit(client, communes="75002", nom="CPTS Contre Sud")  # Sud is validated
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and 'id="depot-erreur"' in html
    assert "chevauche une CPTS validée : CPTS Sud" in html
    assert "Rapport du territoire" in html  # the report is shown again, with the form
    assert session.execute(text("SELECT count(*) FROM cpts")).scalar() == before


def test_coordinator_replaces_own_territory_only_after_confirming(client, world, sign_in,
                                                                   session):
    est = world.cpts["est"]
    sign_in("coordinator", cpts_id=est)
    html = client.get("/territoires/verifier?communes=75012,75016").get_data(as_text=True)
    assert "a déjà un territoire" in html and 'id="remplacer"' in html
    assert 'name="communes" value="75012,75016"' in html
    resp = deposit(client, communes="75012,75016")
    assert resp.status_code == 422 and 'id="remplacer-erreur"' in resp.get_data(as_text=True)
    assert cpts_row(session, est).population == 4000 + 8000  # unchanged: 75004 + 75008
    resp = deposit(client, communes="75012,75016", remplacer="1")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#territoire")
    assert cpts_row(session, est).population == 12000 + 16000
    assert est in audit(session, "cpts.update")


def test_coordinator_without_territory_gets_a_project(client, world, sign_in, session):
    nord = world.cpts["nord"]
    session.execute(text("DELETE FROM cpts_commune WHERE cpts_id = :i"), {"i": nord})
    session.execute(text("UPDATE cpts SET geom = NULL, status = 'intention', population = 0 "
                         "WHERE id = :i"), {"i": nord})
    session.commit()
    sign_in("coordinator", cpts_id=nord)
    html = client.get("/territoires/verifier?communes=75003").get_data(as_text=True)
    assert "deviendra celui de votre CPTS « CPTS Projet Nord »" in html
    assert 'id="remplacer"' not in html
    resp = deposit(client, communes="75003")
    assert resp.status_code == 302
    row = cpts_row(session, nord)
    assert (row.status, row.population) == ("projet", 3000)


def test_coordinator_of_a_validated_cpts_is_told_why_not(client, world, sign_in):
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    html = client.get("/territoires/verifier?communes=75016").get_data(as_text=True)
    assert "ne peut être modifié que par l&#39;ARS" in html and "Déposer comme" not in html
    assert deposit(client, communes="75016", remplacer="1").status_code == 403
