"""/territoires/verifier: communes pasted (codes or names) or a GeoJSON uploaded; the report,
its map and its downloads; field errors; nothing is ever written."""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import text

from tests.factories.geo import box
from tests.web.conftest import ORIGIN, STEP, TOKEN


def counts(session) -> tuple:
    return session.execute(text(
        "SELECT (SELECT count(*) FROM cpts), (SELECT count(*) FROM audit_event)")).one()


def test_form_only(client, world):
    resp = client.get("/territoires/verifier")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'id="communes"' in html and 'id="fichier"' in html and "Rapport du territoire" not in html


def test_communes_by_code_and_name(client, world, session):
    before = counts(session)
    # 75002: population 2000, 75003: 3000 (the grid factory's population is 1000·k)
    resp = client.get("/territoires/verifier",
                      query_string={"communes": "75002\nCommune 75-3 (75003)"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "5\u202f000 habitants" in html
    assert "1 (moins de 40 000 habitants)" in html
    assert "km²" in html
    assert "Ce territoire chevauche une CPTS validée" in html
    assert "CPTS Sud" in html and "CPTS Projet Nord" in html
    assert "Commune 75-2 (75002)" in html  # shared communes with their names
    assert "cpts-map-data" in html  # the map
    assert 'href="/territoires/verifier/rapport.csv?communes=' in html
    resp = client.get("/territoires/verifier", query_string={"communes": "Commune 75-16"})
    assert resp.status_code == 200 and "Aucun chevauchement" in resp.get_data(as_text=True)
    assert counts(session) == before


def test_downloads_for_a_commune_list(client, world):
    resp = client.get("/territoires/verifier/rapport.csv", query_string={"communes": "75002,75003"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[1][:5] == ["territoire", "", "Territoire vérifié", "", "5000"]
    overlaps = {r[2]: r for r in rows if r[0] == "chevauchement"}
    assert overlaps["CPTS Sud"][7] == "75002"
    assert overlaps["CPTS Projet Nord"][7] == "75002 75003"
    resp = client.get("/territoires/verifier/rapport.geojson",
                      query_string={"communes": "75002,75003"})
    assert resp.mimetype == "application/geo+json"
    fc = resp.get_json(force=True)
    assert fc["features"][0]["properties"]["population"] == 5000
    assert fc["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert {f["properties"].get("cpts") for f in fc["features"][1:]} == {"CPTS Sud",
                                                                        "CPTS Projet Nord"}
    assert all(f["geometry"] for f in fc["features"])
    assert client.get("/territoires/verifier/rapport.pdf?communes=75002").status_code == 404
    assert client.get("/territoires/verifier/rapport.csv?communes=nulle").status_code == 422


def test_commune_errors(client, world, session):
    session.execute(text("UPDATE commune SET name = 'Commune 75-1' WHERE code = '75016'"))
    session.commit()
    cases = [
        ("", "Indiquez au moins une commune"),
        ("Atlantide", "Commune inconnue : « Atlantide »"),
        ("Commune 75-1", "Plusieurs communes s&#39;appellent « Commune 75-1 »"),
        ("99999", "codes inconnus : 99999"),
    ]
    for given, message in cases:
        resp = client.get("/territoires/verifier", query_string={"communes": given})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, given
        assert 'id="communes-erreur"' in html and message in html, (given, html[-3000:])
        assert 'aria-describedby="communes-aide communes-erreur"' in html


def upload(client, content: bytes, **extra):
    data = {"csrf_token": TOKEN, "fichier": (io.BytesIO(content), "territoire.geojson"), **extra}
    return client.post("/territoires/verifier", data=data, content_type="multipart/form-data")


def prime_csrf(client):
    with client.session_transaction() as cookie:
        cookie["csrf"] = TOKEN


def test_upload_geojson(client, world, session):
    prime_csrf(client)
    before = counts(session)
    x0, y0 = ORIGIN
    # exactly communes 75001 and 75002 (row 0, columns 0 and 1)
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": box(x0, y0, x0 + 2 * STEP, y0 + STEP)}]}
    resp = upload(client, json.dumps(fc).encode())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "3\u202f000 habitants" in html and "estimée au prorata" in html
    assert "CPTS Sud" in html
    assert 'name="geometrie"' in html  # the download forms carry the geometry
    geometry = html.split('name="geometrie" value="')[1].split('"')[0].replace("&#34;", '"')
    resp = client.post("/territoires/verifier/rapport.geojson",
                       data={"csrf_token": TOKEN, "geometrie": geometry})
    assert resp.status_code == 200
    assert resp.get_json(force=True)["features"][0]["properties"]["population"] == 3000
    assert counts(session) == before


def test_upload_errors_and_csrf(client, world):
    prime_csrf(client)
    x0, y0 = ORIGIN
    bowtie = {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + .1, y0 + .1], [x0 + .1, y0],
                                                  [x0, y0 + .1], [x0, y0]]]}
    cases = [
        (b"not json", "n&#39;est pas un GeoJSON valide"),
        (json.dumps({"type": "Point", "coordinates": [2.3, 48.8]}).encode(), ""),
        (json.dumps(bowtie).encode(), ""),
    ]
    for content, message in cases:
        resp = upload(client, content)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, content
        assert 'id="fichier-erreur"' in html and message in html
    resp = client.post("/territoires/verifier", data={"csrf_token": TOKEN},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "Choisissez un fichier GeoJSON" in resp.get_data(as_text=True)
    # the bow-tie passes when repair is asked
    assert upload(client, json.dumps(bowtie).encode(), reparer="1").status_code == 200
    resp = client.post("/territoires/verifier", data={"fichier": (io.BytesIO(b"{}"), "a.json")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and "Formulaire expiré" in resp.get_data(as_text=True)


def test_csv_neutralises_formulas(client, world, session):
    session.execute(text("UPDATE cpts SET name = '=HYPERLINK(\"http://x\")' WHERE id = :i"),
                    {"i": world.cpts["sud"]})
    session.commit()
    body = client.get("/territoires/verifier/rapport.csv?communes=75002").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    names = [r[2] for r in rows if r[0] == "chevauchement"]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert all(not n.startswith("=") for n in names)
    assert rows[1][5].count(",") == 1  # French decimal comma
