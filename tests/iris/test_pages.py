"""The CPTS page and the ARS project page say an overlap was computed at IRIS level."""
from __future__ import annotations

from tests.territories.conftest import create

from .conftest import SPLIT


def test_cpts_and_ars_project_pages_show_iris_level(iris_world, client, admin, sign_in):
    nord = create(client, admin, "CPTS Nord", iris=["010010101", "010010102"])["properties"]
    create(client, admin, "CPTS Ville", communes=[SPLIT])
    html = client.get(f"/cpts/{nord['slug']}").get_data(as_text=True)
    assert "2 IRIS partagés" in html and "IRIS" in html
    assert "chelle des IRIS" in html
    sign_in("ars", regions=["84"])
    resp = client.get(f"/ars/projets/{nord['slug']}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:500]
    assert "IRIS partagés : 010010101, 010010102" in html and "chelle des IRIS" in html
