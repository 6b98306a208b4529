"""Foundation benchmark: import every communes file of the open-data pack into an empty database.

Target (issue 2): under 3 minutes on the 2-core machine, national (all 101 files).
"""
from __future__ import annotations

import time

from mapper.db import Database
from mapper.imports.communes import import_communes_file
from mapper.imports.population import import_population_file


def run(report) -> None:
    if report.shared_data is None:
        report.note("skipped: no ../shared/data")
        return
    db = Database(report.new_database("communes"), 3_600_000)
    files = sorted(p for p in (report.shared_data / "communes").glob("communes-*.geojson")
                   if p.name != "communes-france-metropole.geojson")
    t0 = time.perf_counter()
    inserted = 0
    for path in files:
        with db.session_scope() as session:
            inserted += import_communes_file(session, path, population_year=2023).counts["inserted"]
    elapsed = time.perf_counter() - t0
    report.record(f"import {len(files)} département files ({inserted} communes)", elapsed, "s", 180)
    t0 = time.perf_counter()
    with db.session_scope() as session:
        import_population_file(session, report.shared_data / "communes_population.csv", 2023)
    report.record("import communes_population.csv", time.perf_counter() - t0, "s")
    db2 = Database(report.new_database("communes_national"), 3_600_000)
    t0 = time.perf_counter()
    with db2.session_scope() as session:
        n = import_communes_file(session, report.shared_data / "communes" /
                                 "communes-france-metropole.geojson").counts["inserted"]
    report.record(f"import the national file in one transaction ({n} communes)",
                  time.perf_counter() - t0, "s", 180)
    db.engine.dispose()
    db2.engine.dispose()
