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
    assert "Tracé dessiné" not in html


def test_coordinator_edit_of_the_communes_keeps_the_iris(iris_world, client, admin, sign_in):
    from sqlalchemy import text

    from tests.territories.conftest import grid_code
    from tests.conftest import CSRF_TOKEN

    nord = create(client, admin, "CPTS Nord", iris=["010010101"])["properties"]
    sign_in("admin")
    resp = client.post(f"/cpts/{nord['slug']}/territoire",
                       data={"communes": grid_code(3, 0), "csrf_token": CSRF_TOKEN})
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:500]
    kept = iris_world.execute(text("SELECT iris_code FROM cpts_iris WHERE cpts_id = :i"),
                              {"i": nord["id"]}).scalars().all()
    assert kept == ["010010101"]
    html = client.get(f"/cpts/{nord['slug']}").get_data(as_text=True)
    assert "IRIS de communes partagées" in html and "010010101" in html


def test_coordinator_changes_the_iris_of_a_shared_commune(iris_world, client, admin, sign_in):
    from sqlalchemy import text

    from tests.conftest import CSRF_TOKEN
    from tests.territories.conftest import grid_code

    nord = create(client, admin, "CPTS Nord", iris=["010010101"])["properties"]
    sign_in("admin")
    url = f"/cpts/{nord['slug']}/territoire"
    html = client.get(f"/cpts/{nord['slug']}").get_data(as_text=True)
    assert 'name="iris"' in html and 'value="010010101"' in html  # the form holds them
    resp = client.post(url, data={"communes": grid_code(3, 0), "iris": "010010102, 01001999",
                                  "csrf_token": CSRF_TOKEN})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="iris-erreur"' in html and "01001999" in html
    held = "SELECT iris_code FROM cpts_iris WHERE cpts_id = :i ORDER BY 1"
    assert iris_world.execute(text(held), {"i": nord["id"]}).scalars().all() == ["010010101"]
    resp = client.post(url, data={"communes": grid_code(3, 0), "iris": "010010102",
                                  "csrf_token": CSRF_TOKEN})
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:500]
    assert iris_world.execute(text(held), {"i": nord["id"]}).scalars().all() == ["010010102"]
    resp = client.post(url, data={"communes": grid_code(3, 0), "iris": "",
                                  "csrf_token": CSRF_TOKEN})
    assert resp.status_code in (302, 303)
    assert iris_world.execute(text(held), {"i": nord["id"]}).scalars().all() == []
