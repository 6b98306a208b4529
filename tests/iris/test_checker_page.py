"""The territory checker page takes IRIS codes, says the figures are at IRIS level, and shows a
bad code next to its field."""
from __future__ import annotations

from tests.territories.conftest import create

from .conftest import IRIS, SPLIT


def test_checker_page_with_iris(iris_world, client, admin):
    create(client, admin, "CPTS Nord", iris=["010010101", "010010102"])
    resp = client.get("/territoires/verifier", query_string={
        "communes": "", "iris": "010010102 010010103"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "à l&#39;échelle des IRIS" in html or "à l'échelle des IRIS" in html
    assert "IRIS : 010010102" in html and "CPTS Nord" in html
    assert "Les Arènes" in html and "Saint-Roch" in html


def test_checker_page_bad_iris_code_is_shown_at_its_field(iris_world, client):
    resp = client.get("/territoires/verifier", query_string={"communes": SPLIT,
                                                             "iris": "010010101"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="iris-error' in html or 'aria-invalid="true"' in html
    assert "déjà entière" in html


def test_deposit_from_the_checker_keeps_the_iris(iris_world, client, sign_in):
    from sqlalchemy import text

    from tests.conftest import CSRF_TOKEN

    sign_in("admin")
    resp = client.post("/territoires/verifier/deposer", data={
        "communes": "", "iris": "010010101,010010102", "nom": "CPTS Déposée",
        "csrf_token": CSRF_TOKEN})
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:800]
    row = iris_world.execute(text(
        "SELECT k.population, array_agg(ci.iris_code ORDER BY ci.iris_code) AS iris "
        "FROM cpts k JOIN cpts_iris ci ON ci.cpts_id = k.id WHERE k.name = 'CPTS Déposée' "
        "GROUP BY k.id")).one()
    assert row.iris == ["010010101", "010010102"]
    assert row.population == round(IRIS["010010101"][2] + IRIS["010010102"][2])
