"""Two overlapping projects validated at the same moment never both succeed.

Real concurrent connections: two threads, each with its own engine, on a committed database of
its own; a barrier releases both decisions together, many times, for commune-based, drawn and
mixed territories. A second test removes the application lock from the picture and races raw
inserts into ``cpts_validated_commune``: the database's exclusion constraint alone refuses one.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from mapper.auth import Principal
from mapper.config import Settings
from mapper.errors import Conflict
from mapper.imports.communes import import_communes_file
from mapper.models import Cpts
from mapper.services.territories import create_cpts, decide
from mapper.services.territories import overlap_pairs
from tests.factories.geo import grid_communes, write_geojson

from .conftest import GRID_STEP, cell_box, grid_code

ITERATIONS = 50
ADMIN = Principal(account_id=None, email="race@example.org", role="admin")
SETTINGS = Settings()


@pytest.fixture(scope="module")
def race_url(database_factory, tmp_path_factory):
    url = database_factory("race")
    engine = create_engine(url)
    path = write_geojson(Path(tmp_path_factory.mktemp("race")) / "grid.geojson",
                         grid_communes("01", origin=(5.0, 45.0), n=5, step=GRID_STEP))
    with Session(engine) as session:
        assert import_communes_file(session, path, population_year=2023).ok
        session.commit()
    engine.dispose()
    return url


def _race(engines, ids) -> list[str]:
    barrier = threading.Barrier(2)
    results: list[str] = [""] * 2

    def worker(k: int) -> None:
        with Session(engines[k]) as session:
            session.execute(text("SELECT 1"))  # connection checked out before the barrier
            barrier.wait()
            try:
                decide(session, ADMIN, session.get_one(Cpts, ids[k]), "valide",
                       "course", settings=SETTINGS)
                session.commit()
                results[k] = "ok"
            except Conflict:
                session.rollback()
                results[k] = "conflict"

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


TERRITORIES = {
    "communes": ({"communes": [grid_code(0, 0), grid_code(1, 0)]},
                 {"communes": [grid_code(1, 0), grid_code(2, 0)]}),
    "drawn": ({"geometry": cell_box(0, 0, 2, 2)}, {"geometry": cell_box(1, 1, 3, 3)}),
    "mixed": ({"communes": [grid_code(3, 3), grid_code(4, 3)]},
              {"geometry": cell_box(3.5, 2.5, 4.5, 4.5)}),
}


@pytest.mark.parametrize("kind", sorted(TERRITORIES))
def test_concurrent_validations_never_both_succeed(race_url, kind):
    engines = [create_engine(race_url, pool_size=1, max_overflow=0) for _ in range(2)]
    setup = create_engine(race_url)
    wins = []
    try:
        for i in range(ITERATIONS):
            with Session(setup) as session:
                ids = [create_cpts(session, ADMIN, name=f"{kind} {i} {side}", settings=SETTINGS,
                                   **TERRITORIES[kind][side]).id for side in (0, 1)]
                session.commit()
            results = _race(engines, ids)
            assert sorted(results) == ["conflict", "ok"], (i, results)
            wins.append(results.index("ok"))
            with Session(setup) as session:
                pairs = overlap_pairs(session, settings=SETTINGS)
                assert not [p for p in pairs if p["both_validated"]], i
                for cid in ids:  # clear the ground for the next round
                    decide(session, ADMIN, session.get_one(Cpts, cid), "rejete",
                           "remise à zéro du test", settings=SETTINGS)
                session.commit()
    finally:
        for e in (*engines, setup):
            e.dispose()
    assert len(wins) == ITERATIONS


def test_the_database_alone_refuses_two_validated_memberships(race_url):
    """No advisory lock here: raw concurrent inserts; the exclusion constraint decides."""
    engines = [create_engine(race_url, pool_size=1, max_overflow=0) for _ in range(2)]
    try:
        with engines[0].begin() as conn:
            ids = [conn.execute(text(
                "INSERT INTO cpts (name, slug, status) VALUES (:n, :n, 'valide') RETURNING id"),
                {"n": f"raw-{k}"}).scalar() for k in range(2)]
        for i in range(10):
            barrier = threading.Barrier(2)
            outcome = [""] * 2

            def worker(k: int) -> None:
                with engines[k].connect() as conn:
                    trans = conn.begin()
                    barrier.wait()
                    try:
                        conn.execute(text(
                            "INSERT INTO cpts_validated_commune VALUES (:id, :code, :key)"),
                            {"id": ids[k], "code": grid_code(2, 2), "key": f"cpts:{ids[k]}"})
                        trans.commit()
                        outcome[k] = "ok"
                    except (IntegrityError, OperationalError) as exc:
                        # 23P01 exclusion violation, or 40P01: concurrent inserts under an
                        # exclusion constraint may deadlock, and PostgreSQL aborts one of them
                        assert exc.orig.sqlstate in ("23P01", "40P01"), exc
                        trans.rollback()
                        outcome[k] = "refused"

            threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert sorted(outcome) == ["ok", "refused"], (i, outcome)
            with engines[0].begin() as conn:
                conn.execute(text("DELETE FROM cpts_validated_commune WHERE commune_code = :c"),
                             {"c": grid_code(2, 2)})
        # rows sharing the 'arbitrated' key may coexist
        with engines[0].begin() as conn:
            for k in range(2):
                conn.execute(text("INSERT INTO cpts_validated_commune VALUES "
                                  "(:id, :code, 'arbitrated')"),
                             {"id": ids[k], "code": grid_code(2, 2)})
    finally:
        for e in engines:
            e.dispose()
