"""The « Diagnostic » section on the checker, the CPTS page and the ARS project page, and the
printable report: tables, bars, the choropleth with its legend and list, the downloads."""
from __future__ import annotations

import re


def test_checker_shows_the_diagnostic(client, world):
    resp = client.get("/territoires/verifier?communes=01001%0A01002%0A01007&carte=60")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:2000]
    assert 'id="diagnostic"' in html and "Offre par profession" in html
    assert 'class="bars"' in html and "Densité comparée" in html
    assert '"kind": "diagnostic"' in html or "diagnostic" in html
    assert re.search(r'<option value="60" selected', html)
    assert "/api/v1/diagnostic?communes=01001%2C01002%2C01007&amp;format=csv" in html
    assert re.search(r"/territoires/diagnostic\?[^\"]*communes=01001(%2C|,)01002(%2C|,)01007", html)
    assert "Méthode et limites" in html


def test_printable_report(client, world):
    resp = client.get("/territoires/diagnostic?departement=01&carte=10")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:2000]
    assert "<h1>Diagnostic territorial — Ain (01)</h1>" in html
    assert "<dd>Ain (01)</dd>" in html  # the département of reference, by its name
    assert "css/diagnostic.css" in html and "folium-map" in html
    assert html.count("<tr><th scope=\"row\">Commune 01-") == 36


def test_printable_report_of_a_bad_territory_says_why(client, world):
    resp = client.get("/territoires/diagnostic?departement=99")
    assert resp.status_code == 422
    assert "aucune commune" in resp.get_data(as_text=True)
    resp = client.get("/territoires/diagnostic")
    assert resp.status_code == 422 and "Indiquez un territoire" in resp.get_data(as_text=True)


def test_cpts_and_ars_pages_have_the_section(client, session, world, settings, sign_in):
    from tests.factories.world import WorldBuilder

    cpts = WorldBuilder(session, settings, None).cpts("CPTS des Tests", ["01001", "01002"])
    session.commit()
    html = client.get(f"/cpts/{cpts.slug}").get_data(as_text=True)
    assert 'id="diagnostic"' in html and f"cpts={cpts.id}" in html
    sign_in("ars", regions=["84"])
    resp = client.get(f"/ars/projets/{cpts.slug}")
    assert resp.status_code == 200
    assert 'id="diagnostic"' in resp.get_data(as_text=True)
