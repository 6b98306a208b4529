"""Every communes file of the open-data pack imports; counts and populations match."""
from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pytest
from sqlalchemy import text

from mapper.db import Database
from mapper.imports.communes import import_communes_file
from mapper.imports.population import import_population_file

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def national(shared_data, database_factory):
    url = database_factory("communes")
    db = Database(url, 600_000)
    reports = {}
    for path in sorted((shared_data / "communes").glob("communes-*.geojson")):
        if path.name == "communes-france-metropole.geojson":
            continue
        with db.session_scope() as session:
            reports[path.name] = import_communes_file(session, path, population_year=2023)
    with db.session_scope() as session:
        pop_report = import_population_file(session, shared_data / "communes_population.csv", 2023)
    yield db, reports, pop_report
    db.engine.dispose()


def test_every_file_imports_with_the_indexed_feature_counts(national, shared_data):
    _, reports, _ = national
    with open(shared_data / "communes" / "INDEX.csv", newline="") as fh:
        index = {row["file"]: int(row["features"]) for row in csv.DictReader(fh)}
    assert len(reports) == 101
    for name, report in reports.items():
        assert report.ok, report.lines()
        assert report.counts["inserted"] == index[name], name


def test_population_per_departement_matches_the_csv(national, shared_data):
    db, _, pop_report = national
    assert pop_report.ok
    expected: dict[str, int] = defaultdict(int)
    cities = {"75056", "69123", "13055"}
    with open(shared_data / "communes_population.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["population"] and row["code"] not in cities:
                expected[row["departement"]] += int(row["population"])
    with db.engine.connect() as conn:
        got = dict(conn.execute(text(
            "SELECT departement, sum(population) FROM commune GROUP BY departement")).all())
        assert conn.execute(text("SELECT population FROM commune WHERE code='75114'")).scalar() == 136455
        assert conn.execute(text("SELECT count(*) FROM commune WHERE region IS NULL")).scalar() == 0
    for dep, total in got.items():
        assert total == expected[dep], dep


def test_regions_match_the_reference_csv(national, shared_data):
    db, _, _ = national
    with open(shared_data / "departements.csv", newline="", encoding="utf-8") as fh:
        expected = {r["code"]: r["region"] for r in csv.DictReader(fh)}
    with db.engine.connect() as conn:
        got = dict(conn.execute(text("SELECT DISTINCT departement, region FROM commune")).all())
    assert got == {dep: expected[dep] for dep in got}
    assert Counter(got.values())["93"] == 6
