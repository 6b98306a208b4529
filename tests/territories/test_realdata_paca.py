"""Real data: PACA communes and the real list of 70 CPTS (../shared/data).

The overlaps the service reports must be exactly the communes the CSV lists under two or more
CPTS — computed here independently with the csv module — and CPTS that only touch must never be
reported, neither by the set-based path nor by the geometric one (drawn polygons).
"""
from __future__ import annotations

import csv
from collections import defaultdict
from itertools import combinations

import pytest
from sqlalchemy import text

from mapper.config import Settings
from mapper.services.territories import (check_territory, coverage, cpts_feature, get_cpts,
                                         overlap_pairs)

pytestmark = pytest.mark.realdata


def expected_shared(shared_data) -> dict[frozenset, set[str]]:
    """{frozenset({name_a, name_b}): {codes}} straight from the CSV."""
    by_code = defaultdict(set)
    with open(shared_data / "cpts_paca.csv", newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            by_code[row["commune_code"].strip()].add(row["cpts_name"].strip())
    out: dict[frozenset, set[str]] = defaultdict(set)
    for code, names in by_code.items():
        for a, b in combinations(sorted(names), 2):
            out[frozenset((a, b))].add(code)
    return dict(out)


def test_import_report(paca_database):
    report = paca_database.paca_report
    assert report.ok, report.lines()
    assert report.counts["created"] == 70
    with paca_database.session_scope() as session:
        n = session.execute(text("SELECT count(*) FROM cpts WHERE geom IS NOT NULL")).scalar()
        assert n == 70


def test_overlap_pairs_are_exactly_the_communes_listed_twice(paca_database, shared_data):
    expected = expected_shared(shared_data)
    assert expected  # Nice (06088) in three CPTS, Toulon (83137) in two
    with paca_database.session_scope() as session:
        pairs = overlap_pairs(session, Settings())
    got = {frozenset((p["a"]["name"], p["b"]["name"])): set(p["shared_communes"]) for p in pairs}
    assert got == expected
    assert all(p["population_method"] == "communes" and p["population_affected"] > 0
               for p in pairs)


def test_each_cpts_reports_exactly_its_shared_communes(paca_database, shared_data):
    expected = expected_shared(shared_data)
    settings = Settings()
    with paca_database.session_scope() as session:
        names = session.execute(text("SELECT id, name FROM cpts")).all()
        for cid, name in names:
            feature = cpts_feature(session, get_cpts(session, cid), settings)
            got = {o["cpts"]["name"]: set(o["shared_communes"])
                   for o in feature["properties"]["overlaps"]}
            want = {next(iter(k - {name})): v for k, v in expected.items() if name in k}
            assert got == want, name


def test_touching_territories_are_never_reported(paca_database, shared_data):
    """Neighbouring CPTS share borders; checked as drawn polygons (geometric path, tolerance)
    only the CPTS that share communes may come out."""
    expected = expected_shared(shared_data)
    settings = Settings()
    with paca_database.session_scope() as session:
        touching = session.execute(text("""
            SELECT a.name, b.name FROM cpts a JOIN cpts b
              ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
        """)).all()
        touching_pairs = {frozenset(r) for r in touching} - set(expected)
        assert len(touching_pairs) > 20  # real neighbours exist
        rows = session.execute(text(
            "SELECT id, name, ST_AsGeoJSON(geom) FROM cpts ORDER BY id")).all()
        import json

        for cid, name, geojson in rows:
            out = check_territory(session, geometry=json.loads(geojson), exclude_cpts=cid,
                                  settings=settings)
            got = {o["cpts"]["name"] for o in out["overlaps"]}
            want = {next(iter(k - {name})) for k in expected if name in k}
            assert got == want, name
            for o in out["overlaps"]:
                assert o["population_method"] == "area_weighted"


def test_commune_check_of_a_real_cpts_reports_its_shared_communes(paca_database):
    with paca_database.session_scope() as session:
        codes = list(session.execute(text(
            "SELECT cc.commune_code FROM cpts_commune cc JOIN cpts k ON k.id = cc.cpts_id "
            "WHERE k.name = 'CPTS Toulon Littoral'")).scalars())
        out = check_territory(session, communes=codes, settings=Settings())
    [o] = [o for o in out["overlaps"] if o["cpts"]["name"] == "CPTS Toulon Littoral"]
    assert o["shared_communes"] == sorted(codes)
    others = {x["cpts"]["name"]: x["shared_communes"] for x in out["overlaps"]
              if x["cpts"]["name"] != "CPTS Toulon Littoral"}
    assert others == {"CPTS La Seyne Toulon ouest": ["83137"]}
    assert out["population"] > 100_000 and out["size_category"] >= 3


def test_import_as_valide_keeps_conflicting_cpts_as_projects(paca_database, shared_data):
    """Nice is listed under three CPTS: only the first can be validated without arbitration."""
    from mapper.imports.cpts import import_cpts_file

    conn = paca_database.engine.connect()
    trans = conn.begin()
    try:
        from sqlalchemy.orm import Session

        session = Session(bind=conn, join_transaction_mode="create_savepoint")
        report = import_cpts_file(session, shared_data / "cpts_paca.csv", status="valide",
                                  settings=Settings())
        assert report.counts["validated"] == 70 - 3  # 2 of 3 Nice CPTS, 1 of 2 Toulon CPTS
        assert report.counts["conflicts"] == 3
        assert any("06088" in n for n in report.notes) and any("83137" in n for n in report.notes)
        pairs = overlap_pairs(session, Settings())
        assert not any(p["both_validated"] for p in pairs)
        cov = coverage(session, region="93", status="valide")
        assert 0 < cov["coverage_rate"] < 1
        session.close()
    finally:
        trans.rollback()
        conn.close()


def test_coverage_of_paca(paca_database, shared_data):
    expected = expected_shared(shared_data)
    multi = {c for codes in expected.values() for c in codes}
    with paca_database.session_scope() as session:
        out = coverage(session, region="93")
        by_dep = coverage(session, departement="06")
    assert {c["code"] for c in out["multi_covered_communes"]} == multi
    nice = next(c for c in out["multi_covered_communes"] if c["code"] == "06088")
    assert len(nice["cpts"]) == 3
    assert out["population_total"] == out["population_covered"] + out["population_uncovered"]
    assert out["population_total"] > 5_000_000
    assert 0 < by_dep["coverage_rate"] <= 1
