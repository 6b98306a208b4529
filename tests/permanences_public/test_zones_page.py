"""The coordinator's « zones sans permanence » page: figures, list, map data, distance
selector, access to a private campaign."""
from __future__ import annotations


def test_zones_page(client, perm_world):
    resp = client.get(f"/cpts/{perm_world.slug}/campagnes/grippe/zones?distance_km=2")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    html = resp.get_data(as_text=True)
    assert "Communes non couvertes" in html and "ST_PointOnSurface" in html
    assert "gapLayer" in html and "placeLayer" in html
    assert '<option value="2" selected>' in html
    bad = client.get(f"/cpts/{perm_world.slug}/campagnes/grippe/zones?distance_km=999")
    assert bad.status_code == 422 and "Distance invalide" in bad.get_data(as_text=True)
    assert client.get(f"/cpts/{perm_world.slug}/campagnes/inconnue/zones").status_code == 404


def test_private_campaign_zones_need_the_coordinator(client, perm_world, sign_in):
    path = f"/cpts/{perm_world.slug}/campagnes/interne/zones"
    assert client.get(path).status_code == 401
    sign_in("coordinator", cpts_id=perm_world.cpts_id)
    assert client.get(path).status_code == 200
