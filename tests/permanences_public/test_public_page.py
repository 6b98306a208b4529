"""The public permanences page over the test client: public campaigns only, by day, filter by
kind, the feeds, user text escaped, bad input answered in French."""
from __future__ import annotations

from .conftest import EVIL


def test_public_page_lists_upcoming_public_permanences(client, perm_world):
    resp = client.get(f"/cpts/{perm_world.slug}/permanences")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Centre de santé Daguerre" in html and "Pharmacie du Parc" in html
    assert "Campagne interne secrète" not in html
    assert "4 permanences à venir" in html  # the past one and the private one are left out
    assert "Sans rendez-vous" in html and "Sur rendez-vous" in html
    assert "Apportez votre carte Vitale." in html
    assert 'href="tel:0145000010"' in html
    assert f"webcal://localhost/cpts/{perm_world.slug}/permanences.ics" in html
    assert f"http://localhost/cpts/{perm_world.slug}/permanences.csv" in html
    assert f"/cpts/{perm_world.slug}/campagnes/grippe/permanences.ics" in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>des" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    # the map's data is JSON with < escaped
    assert "\\u003cscript\\u003e" in html


def test_filter_by_kind(client, perm_world):
    html = client.get(f"/cpts/{perm_world.slug}/permanences?type=depistage").get_data(
        as_text=True)
    assert "Pharmacie du Parc" in html and "Centre de santé Daguerre" not in html
    assert "1 permanence à venir" in html
    resp = client.get(f"/cpts/{perm_world.slug}/permanences?type=nimporte")
    assert resp.status_code == 422
    assert "Type de campagne inconnu" in resp.get_data(as_text=True)


def test_empty_state_and_unknown_cpts(client, perm_world, session):
    from tests.factories.world import WorldBuilder
    from tests.support import make_settings

    other = WorldBuilder(session, make_settings("postgresql://unused"), None).cpts(
        "CPTS Sans Campagne", ["75016"])
    session.commit()
    html = client.get(f"/cpts/{other.slug}/permanences").get_data(as_text=True)
    assert "Aucune permanence à venir pour le moment." in html
    assert "Aucune permanence n'est annoncée" in html or "Aucune permanence n&#39;est" in html
    assert client.get("/cpts/inconnue/permanences").status_code == 404


def test_evil_name_escaped_everywhere(client, perm_world):
    for path in ("/permanences", "/permanences/affiche"):
        resp = client.get(f"/cpts/{perm_world.slug}{path}")
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        assert EVIL not in html
