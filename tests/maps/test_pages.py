"""The map pages and the widget through the Flask test client: headers, filters, the list
alternative, escaping, French errors."""
from __future__ import annotations

import re

import pytest

from mapper.config import get_settings
from tests.maps.seed import ADDRESS, XSS, cache_address, seed


@pytest.fixture()
def data(app, session, tmp_path):
    return seed(session, get_settings(app), tmp_path,
                beta_origins=["https://b.example.org", "http://localhost:8000"])


def page(client, url, status=200):
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:2000]
    return resp, resp.get_data(as_text=True)


def csp(resp) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in resp.headers["Content-Security-Policy"].split(";"))}


def list_names(text: str) -> list[str]:
    return re.findall(r"<h4>(.*?)</h4>", text)


def test_pages_have_a_strict_csp_and_cannot_be_framed(client, data):
    for url in (f"/map/cpts/{data['alpha']}", "/map/territories?departement=92",
                "/map/coverage?departement=92", "/map/coverage"):
        resp, text = page(client, url)
        policy = csp(resp)
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert policy["frame-ancestors"] == "'none'"
        assert "unsafe-eval" not in resp.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
        if "leaflet.js" in text:
            assert nonce and policy["style-src"] == f"'self' 'nonce-{nonce.group(1)}'"
            scripts = re.findall(r"<script\b[^>]*>", text)
            assert scripts and all(f'nonce="{nonce.group(1)}"' in s for s in scripts)
        assert "user-scalable=no" not in text  # zooming stays possible (RGAA 10.4)


def test_widget_is_framed_only_by_the_cpts_origins(client, data):
    resp, _ = page(client, f"/embed/cpts/{data['alpha']}")
    assert "X-Frame-Options" not in resp.headers
    assert csp(resp)["frame-ancestors"] == "https://cpts-alpha.example.org"  # its website
    resp, _ = page(client, f"/embed/cpts/{data['beta']}")
    assert csp(resp)["frame-ancestors"] == "https://b.example.org http://localhost:8000"
    assert "unsafe-eval" not in resp.headers["Content-Security-Policy"]


def test_widget_without_origins_cannot_be_framed(client, session, data):
    from sqlalchemy import text

    session.execute(text("UPDATE cpts SET website = NULL, embed_origins = '{}' WHERE id = :id"),
                    {"id": data["alpha_id"]})
    session.commit()
    resp, _ = page(client, f"/embed/cpts/{data['alpha']}")
    assert csp(resp)["frame-ancestors"] == "'none'"


def test_unknown_cpts_is_a_french_404(client, data):
    for url in ("/map/cpts/inconnue", "/embed/cpts/inconnue"):
        resp, text = page(client, url, 404)
        assert resp.mimetype == "text/html" and 'lang="fr"' in text
        assert "CPTS inconnue" in text
        assert csp(resp)["frame-ancestors"] == "'none'"


def test_orientation_page_lists_every_professional_escaped(client, data):
    _, text = page(client, f"/map/cpts/{data['alpha']}")
    names = list_names(text)
    assert len(names) == 4
    for hostile in XSS[:2]:
        assert hostile not in text  # never raw, in the list nor in the map's JSON data
    assert "&lt;img src=x onerror=alert(1)&gt; Martin" in names
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; Durand" in names
    assert "${alert(1)} Petit" in names  # inert outside a JS template literal
    assert "<img src=x" not in text and "</script><script>" not in text
    assert 'href="#liste"' in text and 'id="liste"' in text  # skip the map to the list
    assert "<h3>Médecin</h3>" in text
    assert "fiche non vérifiée depuis plus de 6 mois" in text  # stale entry marked
    assert '"st":1' in text  # … and on the map


def test_cpts_name_is_escaped_everywhere(client, data):
    _, text = page(client, f"/map/cpts/{data['beta']}")
    assert "</script><script>" not in text
    _, text = page(client, "/map/territories?departement=92")
    assert "</script><script>" not in text
    assert "CPTS &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize("query, expected", [
    ("profession=10", {"Martin"}),
    ("profession=10,60", {"Martin", "Durand"}),
    ("profession=10&profession=21", {"Martin", "Leroy"}),
    ("competency=diabete", {"Martin"}),
    ("accepting_new_patients=1", {"Martin", "Leroy"}),
    ("accepting_new_patients=0", {"Durand", "Petit"}),
    ("open_now=oui", {"Martin"}),
    ("competence=diabete", {"Martin"}),
    ("nouveaux_patients=oui", {"Martin", "Leroy"}),
    ("nouveaux_patients=non", {"Durand", "Petit"}),
    ("ouvert=1", {"Martin"}),
    ("", {"Martin", "Durand", "Petit", "Leroy"}),
])
def test_filters(client, data, query, expected):
    _, text = page(client, f"/map/cpts/{data['alpha']}?{query}")
    assert {n.rsplit(" ", 1)[-1] for n in list_names(text)} == expected
    snippet = re.search(r'<textarea id="snippet"[^>]*>(.*?)</textarea>', text, re.S).group(1)
    assert f"/embed/cpts/{data['alpha']}" in snippet
    if query:
        assert "?" in snippet  # the iframe keeps the chosen filters
    resp, widget = page(client, f"/embed/cpts/{data['alpha']}?{query}")
    assert widget.count('"i":') == len(expected)


def test_address_keeps_those_whose_zone_covers_it(client, session, data):
    cache_address(session)
    _, text = page(client, f"/map/cpts/{data['alpha']}?adresse={ADDRESS}&domicile=1")
    assert [n.rsplit(" ", 1)[-1] for n in list_names(text)] == ["Martin"]
    assert "10 Rue du Test 92001 Grille" in text


def test_address_alone_keeps_who_is_within_the_radius_and_says_so(client, session, data):
    cache_address(session)
    _, text = page(client, f"/map/cpts/{data['alpha']}?adresse={ADDRESS}&rayon=1")
    assert [n.rsplit(" ", 1)[-1] for n in list_names(text)] == ["Martin"]  # ~0,7 km away
    assert "1 professionnel à moins de 1 km de « 10 Rue du Test 92001 Grille »" in text
    assert 'name="domicile"' in text  # the zone filter is a choice of its own
    assert "dont la zone d&#39;intervention la couvre)" not in text


def test_address_unresolved_shows_everyone_with_a_notice(client, data):
    _, text = page(client, f"/map/cpts/{data['alpha']}?address=rue+inconnue+de+nulle+part")
    assert len(list_names(text)) == 4
    assert "Service d&#39;adresses momentanément indisponible" in text  # the field's reason
    assert "Le filtre par adresse n&#39;a pas été appliqué." in text


def test_address_unresolved_notice_in_english(client, data):
    """The notice is made of catalogue messages, so an English page says it in English."""
    _, text = page(client, f"/map/cpts/{data['alpha']}?address=rue+inconnue+de+nulle+part"
                           "&lang=en")
    assert len(list_names(text)) == 4
    assert "The address filter was not applied." in text
    assert "The address service is unavailable for now" in text


@pytest.mark.parametrize("query", ["accepting_new_patients=peut-etre", "profession=<b>",
                                   "address=ab", "page=0", "nouveaux_patients=peut-etre",
                                   "profession=99", "competence=inconnue", "rayon=-3",
                                   "disponible_le=demain", "langue=francais"])
def test_bad_filters_are_a_french_422(client, data, query):
    resp, text = page(client, f"/map/cpts/{data['alpha']}?{query}", 422)
    assert 'lang="fr"' in text and "<b>" not in text


def test_territory_page(client, data):
    _, text = page(client, "/map/territories?departement=92")
    assert "Territoires des CPTS — département Hauts-de-Seine (92)" in text
    assert f'href="/cpts/{data["alpha"]}"' in text  # the list links to each CPTS page
    assert ("<caption>Zones revendiquées par plusieurs CPTS, par population concernée</caption>"
            in text)
    assert "(92005)" in text and "(92006)" in text  # shared communes, named with their codes
    assert "11\u202f000" in text  # population affected: 5 000 + 6 000
    _, region = page(client, "/map/territories?region=11")
    assert "CPTS Alpha" in region
    _, other = page(client, "/map/territories?region=93")
    assert "Aucune CPTS dans cette zone." in other
    page(client, "/map/territories?departement=XX", 422)


def test_coverage_page(client, data):
    _, text = page(client, "/map/coverage?departement=92")
    assert "Zones blanches (1)" in text  # 92009
    assert "Commune 92-9" in text
    assert "Communes revendiquées par plusieurs CPTS (2)" in text  # 92005, 92006
    assert "9\u202f000 hab." in text  # the uncovered population
    assert "Population couverte" in text
    _, empty = page(client, "/map/coverage")
    assert "Choisissez une région ou un département" in empty and "leaflet.js" not in empty


def test_address_in_a_known_commune_filters_even_when_the_geocoder_is_down(client, data):
    """Not in the cache, BAN unreachable: the commune named in the address stands in."""
    _, text = page(client,
                   f"/map/cpts/{data['alpha']}?adresse=2+rue+Sans+Nom,+Commune+92-1&domicile=oui")
    assert [n.rsplit(" ", 1)[-1] for n in list_names(text)] == ["Martin"]
    assert "Commune 92-1" in text and "injoignable" not in text


def test_popups_name_the_town_and_carry_the_next_opening(client, session, data):
    """A popup says what a card says: the commune of the practice site and the next opening
    (with its end, so "open until" can be said)."""
    import json

    from sqlalchemy import text

    towns = dict(session.execute(text("""
        SELECT s.professional_id, coalesce(s.commune_name, c.name)
        FROM practice_site s LEFT JOIN commune c ON c.code = s.commune_code""")).all())
    _, body = page(client, f"/map/cpts/{data['alpha']}")
    markers = [m for block in re.findall(r'class="cpts-map-data">(.*?)</script>', body, re.S)
               for m in json.loads(block).get("markers", [])]
    assert len(markers) == 4
    assert all(m["t"] == towns[m["i"]] and m["t"] for m in markers)
    opened = [m for m in markers if m["i"] == data["professionals"][0]]
    assert opened[0]["s"]["now"] == 1 and opened[0]["s"]["e"] == "23:59"
