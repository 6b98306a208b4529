"""Validation with IRIS: two CPTS holding different IRIS of one commune can both be validated;
the same IRIS cannot; re-imported IRIS populations refresh the CPTS's cached population."""
from __future__ import annotations

from sqlalchemy import text

from mapper.imports.iris_population import import_iris_population
from mapper.services.territories import refresh_measures
from tests.territories.conftest import create, decide

from .conftest import IRIS, write_populations


def test_different_iris_both_validated_same_iris_refused(iris_world, client, admin):
    a = create(client, admin, "CPTS Nord", iris=["010010101", "010010102"])["properties"]
    b = create(client, admin, "CPTS Sud", iris=["010010103", "010010104"])["properties"]
    c = create(client, admin, "CPTS Port", iris=["010010102"])["properties"]
    decide(client, admin, a["id"])
    decide(client, admin, b["id"])
    body = decide(client, admin, c["id"], expect=409)
    assert "CPTS Nord" in str(body)


def test_whole_commune_refused_against_validated_iris(iris_world, client, admin):
    a = create(client, admin, "CPTS Nord", iris=["010010104"])["properties"]
    decide(client, admin, a["id"])
    resp = client.post("/api/v1/cpts", json={"name": "CPTS Ville", "communes": ["01001"]},
                       headers=admin)
    assert resp.status_code == 409
    (o,) = resp.get_json()["overlaps"]
    assert (o["level"], o["shared_iris"]) == ("iris", ["010010104"])


def test_reimported_iris_populations_refresh_the_cpts(iris_world, client, admin, tmp_path):
    a = create(client, admin, "CPTS Nord", iris=["010010101", "010010102"])["properties"]
    doubled = {c: (n, k, p * 2, cells) for c, (n, k, p, cells) in IRIS.items()}
    report = import_iris_population(iris_world, write_populations(tmp_path / "p.csv", doubled))
    assert refresh_measures(iris_world, report.changed) == 1
    population = iris_world.execute(text("SELECT population FROM cpts WHERE id = :i"),
                                    {"i": a["id"]}).scalar_one()
    assert population == round(2 * (IRIS["010010101"][2] + IRIS["010010102"][2]))
