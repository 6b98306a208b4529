"""The ARS review queue and a project's page through HTTP on real PostGIS: overlapping projects
first with their claimants, filters, pages, the project page's content, a refused decision shown
in place with nothing written, an arbitration from the page, access rules."""
from __future__ import annotations

import re

from sqlalchemy import text

from tests.conftest import CSRF_TOKEN
from tests.factories.world import WorldBuilder
from tests.support import make_settings


def build(session, tmp_path):
    """Grid 75001…75036; Sud validated on 75001-02; Nord (project) shares 75002 with Sud;
    Étoile and Zénith (projects) share 75010; Calme (project) alone."""
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", (2.25, 48.80), 6, 0.05)
    ids = {"nord": w.cpts("CPTS Nord", ["75002", "75003"]).id,
           "sud": w.cpts("CPTS Sud", ["75001", "75002"], validated=True).id,
           "alpha": w.cpts("CPTS Étoile", ["75010", "75011"]).id,
           "beta": w.cpts("CPTS Zénith", ["75009", "75010"]).id,
           "calme": w.cpts("CPTS Calme", ["75020", "75021"]).id}
    session.commit()
    return ids


def rows(html: str) -> list[str]:
    return re.findall(r'class="queue-link" href="[^"]+">([^<]+)</a>', html)


def test_overlapping_projects_come_first_with_their_claimants(client, session, tmp_path,
                                                              sign_in):
    build(session, tmp_path)
    sign_in("ars", regions=["11"])
    resp = client.get("/ars?region=11")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    order = rows(html)
    # overlapping projects first (French order: É sorts with E), then the other project, then
    # the validated CPTS
    assert order == ["CPTS Étoile", "CPTS Nord", "CPTS Zénith", "CPTS Calme", "CPTS Sud"]
    assert "Chevauche :" in html and "CPTS Zénith (Projet de santé — Commune 75-10 (75010))" in html
    assert "3 avec chevauchement" in html and "4 projets à décider" in html
    assert 'href="/ars/projets/cpts-nord"' in html


def test_filters_and_pages(client, session, tmp_path, sign_in):
    build(session, tmp_path)
    sign_in("ars", regions=["11"])
    html = client.get("/ars?region=11&chevauchement=1").get_data(as_text=True)
    assert rows(html) == ["CPTS Étoile", "CPTS Nord", "CPTS Zénith", "CPTS Sud"]
    html = client.get("/ars?region=11&statut=valide").get_data(as_text=True)
    assert rows(html) == ["CPTS Sud"]
    html = client.get("/ars?region=11&taille=4").get_data(as_text=True)
    assert rows(html) == [] and "Aucune CPTS ne correspond" in html
    html = client.get("/ars?region=11&departement=75&statut=inconnu&taille=x&page=zz"
                      ).get_data(as_text=True)
    assert len(rows(html)) == 5  # unknown values are no filter, never an error
    html = client.get("/ars?region=11&departement=13").get_data(as_text=True)
    assert rows(html) == []


def test_pagination(client, session, tmp_path, sign_in):
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    codes = w.communes("75", (2.25, 48.80), 5, 0.05)
    for i, code in enumerate(codes):
        w.cpts(f"CPTS {i:02d}", [code])
    session.commit()
    sign_in("ars", regions=["11"])
    html = client.get("/ars?region=11").get_data(as_text=True)
    assert len(rows(html)) == 20 and "page 1 sur 2" in html
    assert 'href="/ars?region=11&amp;page=2" rel="next"' in html
    html = client.get("/ars?region=11&page=2").get_data(as_text=True)
    assert rows(html) == ["CPTS 20", "CPTS 21", "CPTS 22", "CPTS 23", "CPTS 24"]
    assert 'rel="prev"' in html and 'rel="next"' not in html
    html = client.get("/ars?region=11&page=99").get_data(as_text=True)
    assert rows(html)[0] == "CPTS 20"  # beyond the last page: the last page


def test_project_page(client, session, tmp_path, sign_in):
    ids = build(session, tmp_path)
    sign_in("ars", regions=["11"])
    resp = client.get("/ars/projets/cpts-nord")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<h1>CPTS Nord</h1>" in html
    assert "Avec CPTS Sud" in html and "Commune 75-2 (75002)" in html
    assert "revendiquée par CPTS Nord, CPTS Sud" in html
    assert "Chevauche une CPTS validée" in html
    assert "5 000 habitants" in html.replace("\u202f", " ")  # 2000 + 3000
    assert "cpts-map-data" in html and "CPTS voisines" in html
    assert 'action="/ars/projets/cpts-nord/decision#decision"' in html  # lands on the form
    assert "Création" in html  # history from the audit trail
    assert "/ars/communes/75002/arbitrage?retour=cpts-nord" in html
    assert ids


def test_refused_decision_is_shown_in_place(client, session, tmp_path, sign_in):
    ids = build(session, tmp_path)
    sign_in("ars", regions=["11"])
    before = session.execute(text("SELECT count(*) FROM audit_event")).scalar()
    resp = client.post("/ars/projets/cpts-nord/decision",
                       data={"csrf_token": CSRF_TOKEN, "decision": "valide",
                             "motif": "Mon motif tapé"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "<h1>CPTS Nord</h1>" in html  # this project's page, not the queue
    form = html[html.index('id="decision"'):]
    assert "chevauche une CPTS validée" in form[:2000]
    assert ">Mon motif tapé</textarea>" in form and 'value="valide" id="decision-valide" checked' in form
    session.expire_all()
    assert session.execute(text("SELECT status FROM cpts WHERE id = :i"),
                           {"i": ids["nord"]}).scalar() == "projet"
    assert session.execute(text("SELECT count(*) FROM audit_event")).scalar() == before
    resp = client.post("/ars/projets/cpts-nord/decision",
                       data={"csrf_token": CSRF_TOKEN, "decision": "valide", "motif": " "})
    assert resp.status_code == 422
    assert 'id="motif-erreur"' in resp.get_data(as_text=True)


def test_decision_recorded(client, session, tmp_path, sign_in):
    ids = build(session, tmp_path)
    sign_in("ars", regions=["11"])
    resp = client.post("/ars/projets/cpts-calme/decision",
                       data={"csrf_token": CSRF_TOKEN, "decision": "valide",
                             "motif": "Territoire cohérent"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/ars/projets/cpts-calme#decision"
    html = client.get("/ars/projets/cpts-calme").get_data(as_text=True)
    assert "CPTS Calme : CPTS validée." in html and "Territoire cohérent" in html
    assert "Décision de l&#39;ARS" in html
    assert ids


def test_arbitration_from_the_page(client, session, tmp_path, sign_in):
    ids = build(session, tmp_path)
    sign_in("ars", regions=["11"])
    html = client.get("/ars/communes/75002/arbitrage?retour=cpts-nord").get_data(as_text=True)
    assert "Arbitrage de la commune Commune 75-2 (75002)" in html
    assert f'value="{ids["nord"]}"' in html and f'value="{ids["sud"]}"' in html
    resp = client.post("/ars/communes/75002/arbitrage",
                       data={"csrf_token": CSRF_TOKEN, "cpts": [str(ids["nord"])],
                             "motif": "Partage", "retour": "cpts-nord"})
    assert resp.status_code == 422  # one CPTS is not an arbitration
    assert "Partage</textarea>" in resp.get_data(as_text=True)
    assert session.execute(text("SELECT count(*) FROM arbitration")).scalar() == 0
    resp = client.post("/ars/communes/75002/arbitrage",
                       data={"csrf_token": CSRF_TOKEN,
                             "cpts": [str(ids["nord"]), str(ids["sud"])],
                             "motif": "Partage par quartiers", "retour": "cpts-nord"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/ars/projets/cpts-nord#chevauchements"
    html = client.get("/ars/projets/cpts-nord").get_data(as_text=True)
    assert "partage arbitré" in html and "Chevauche une CPTS validée" not in html
    assert "Arbitrage d&#39;une commune partagée" in html and "Partage par quartiers" in html
    resp = client.post("/ars/projets/cpts-nord/decision",
                       data={"csrf_token": CSRF_TOKEN, "decision": "valide", "motif": "ok"})
    assert resp.status_code == 302


def test_access(client, session, tmp_path, sign_in):
    ids = build(session, tmp_path)
    resp = client.get("/ars/projets/cpts-nord")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/connexion?next=")
    assert client.get("/ars/communes/75002/arbitrage").status_code == 302
    sign_in("ars", regions=["93"])
    assert client.get("/ars/projets/cpts-nord").status_code == 403
    assert client.get("/ars?region=11").status_code == 403
    assert client.get("/ars/communes/75002/arbitrage").status_code == 403
    resp = client.post("/ars/projets/cpts-nord/decision",
                       data={"csrf_token": CSRF_TOKEN, "decision": "rejete", "motif": "x"})
    assert resp.status_code == 403
    resp = client.post("/ars/communes/75002/arbitrage",
                       data={"csrf_token": CSRF_TOKEN, "cpts": [str(ids["nord"]),
                                                               str(ids["sud"])], "motif": "x"})
    assert resp.status_code == 403
    assert client.get("/ars/projets/inconnue").status_code == 404


def test_an_overlapping_letter_of_intent_comes_before_projects_without_overlap(
        client, session, tmp_path, sign_in):
    """Competing projects are best settled at the letter of intent: letters that overlap come
    after the overlapping projects, before the projects that overlap nothing."""
    build(session, tmp_path)
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.cpts("CPTS Aube", ["75030", "75031"], status="intention")
    w.cpts("CPTS Avril", ["75031", "75032"], status="intention")  # shares 75031 with Aube
    w.cpts("CPTS Brume", ["75034"], status="intention")  # overlaps nothing
    session.commit()
    sign_in("ars", regions=["11"])
    order = rows(client.get("/ars?region=11").get_data(as_text=True))
    assert order == ["CPTS Étoile", "CPTS Nord", "CPTS Zénith", "CPTS Aube", "CPTS Avril",
                     "CPTS Calme", "CPTS Brume", "CPTS Sud"]
