"""The home page: what the service is, the CPTS list, the search box; the navigation by role."""
from __future__ import annotations


def test_home(client, world):
    html = client.get("/").get_data(as_text=True)
    assert "Communautés Professionnelles Territoriales de Santé" in html
    assert 'action="/recherche"' in html and 'name="adresse"' in html
    assert '<a href="/cpts/cpts-sud">CPTS Sud</a>' in html
    assert "CPTS Projet Nord" in html and "Île-de-France" in html
    assert 'href="/territoires/verifier"' in html
    assert 'href="/moi"' not in html and 'href="/ars"' not in html


def test_navigation_by_role(client, world, sign_in):
    sign_in("ars", regions=["11"])
    html = client.get("/").get_data(as_text=True)
    assert 'href="/ars"' in html and 'href="/moi"' not in html


def test_navigation_for_professional_and_coordinator(client, world, sign_in, accounts):
    sign_in("professional", professional_id=world.pros["nurse"])
    html = client.get("/recherche").get_data(as_text=True)
    assert 'href="/moi"' in html and 'href="/recherche" aria-current="page"' in html
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    html = client.get("/").get_data(as_text=True)
    assert f'href="/cpts/{world.cpts["sud"]}">Ma CPTS' in html
