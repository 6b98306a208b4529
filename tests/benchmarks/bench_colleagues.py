"""Colleagues benchmark (issue 17).

The directory benchmark's 1 000 000 generated professionals (``bench_directory``: spread like
the population), each a member of the CPTS of their département (one CPTS per département, every
professional-only field filled, half of them taking referrals), and 50 professionals with an API
token. Then, over HTTP (waitress, one keep-alive connection), with a professional's token:

* the colleague search from the professional's own practice (``near`` = their site) + a
  profession + ``takes_referrals`` (within their CPTS, by the one rule), limit 20:
  p95 ≤ 25 ms;
* the same without ``takes_referrals`` (every professional near, the colleague fields added to
  the members of their CPTS): p95 ≤ 25 ms.

Each is measured after 400 unmeasured searches of both kinds by other accounts for other
professions: a running service's caches, not the first minutes after a bulk load.
"""
from __future__ import annotations

import random
import time

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks.bench_directory import (bench_http, generate, load_communes,
                                              pick_professions)
from tests.benchmarks.run import BenchServer

QUERIES = 400
#: Unmeasured searches first, each kind (other accounts and professions than the measured).
WARMUP = 200
N_ACCOUNTS = 50


def cpts_per_departement(db: Database, report) -> None:
    """One CPTS per département (a single commune: the territory does not matter here), every
    professional a member of the CPTS of their first site's département, colleague fields
    filled."""
    from mapper.auth.principal import Principal
    from mapper.config import Settings
    from mapper.services.territories import create_cpts

    t0 = time.perf_counter()
    settings = Settings.from_env({}).replace(database_url="postgresql://unused")
    with db.session_scope() as s:
        firsts = s.execute(text("SELECT departement, min(code) FROM commune "
                                "WHERE geom IS NOT NULL GROUP BY departement")).all()
        for dep, code in firsts:
            create_cpts(s, Principal.system("bench"), name=f"CPTS bench {dep}",
                        communes=[code], settings=settings)
    with db.session_scope() as s:
        s.execute(text("SET LOCAL work_mem = '512MB'"))
        s.execute(text("""
            INSERT INTO cpts_member (cpts_id, professional_id)
            SELECT DISTINCT ON (s.professional_id) c.id, s.professional_id
            FROM practice_site s JOIN commune cm ON cm.code = s.commune_code
            JOIN cpts c ON c.name = 'CPTS bench ' || cm.departement
            ORDER BY s.professional_id, s.id ON CONFLICT DO NOTHING
        """))
        s.execute(text("""
            UPDATE professional SET private_phone = '06 00 00 00 00',
                   mssante = 'p' || id || '@medecin.mssante.fr', referral_preference = 'mssante',
                   takes_referrals = random() < 0.5, colleague_note = 'Note'
        """))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE professional"))
        conn.execute(text("VACUUM ANALYZE cpts_member"))
    report.note(f"CPTS per département and memberships in {time.perf_counter() - t0:.0f} s")


def accounts(db: Database) -> list[tuple[str, tuple[float, float]]]:
    """(API token, own site) of N_ACCOUNTS professionals drawn among the members."""
    from mapper.services.accounts import create_account

    with db.session_scope() as s:
        s.execute(text("SELECT setseed(0.3)"))
        rows = s.execute(text("""
            SELECT s.professional_id, ST_Y(s.geom), ST_X(s.geom)
            FROM practice_site s TABLESAMPLE SYSTEM (1)
            WHERE s.geom IS NOT NULL LIMIT :n"""), {"n": N_ACCOUNTS}).all()
        out = []
        for pid, lat, lon in rows:
            _, token = create_account(s, email=f"pro{pid}@example.org", role="professional",
                                      professional_id=pid, actor="bench")
            out.append((token, (float(lat), float(lon))))
    return out


def run(report) -> None:
    if report.shared_data is None:
        report.note("skipped: no ../shared/data (population-weighted generation needs it)")
        return
    url = report.new_database("colleagues")
    db = Database(url, 3_600_000)
    load_communes(db, report.shared_data, report)
    generate(db, report)
    cpts_per_departement(db, report)
    tokens = accounts(db)
    server = BenchServer(url)
    try:
        def searches(seed: int, profession_seed: int) -> list[tuple[dict, str]]:
            rng = random.Random(seed)
            picks = [rng.choice(tokens) for _ in range(QUERIES)]
            professions = pick_professions(QUERIES, profession_seed)
            return [({"near": f"{lat:.6f},{lon:.6f}", "profession": p, "limit": 20}, token)
                    for (token, (lat, lon)), p in zip(picks, professions)]

        queries = searches(17, 6)
        referrals = [({**q, "takes_referrals": "true"}, t) for q, t in queries]
        # A running service's caches: warmed by other searches than the measured ones (another
        # draw of accounts and professions), the same kinds of request.
        warm = searches(18, 7)[:WARMUP]
        warm_referrals = [({**q, "takes_referrals": "true"}, t) for q, t in warm]
        bench_http(report, server.port, "HTTP: colleague search from my practice + profession "
                   "+ takes_referrals, limit 20", referrals, 25, warmup=warm_referrals + warm)
        bench_http(report, server.port, "HTTP: colleague view of the search from my practice "
                   "+ profession, limit 20", queries, 25, warmup=warm + warm_referrals)
        bench_http(report, server.port, "HTTP (baseline, anonymous): the same searches, public "
                   "view", [q for q, _ in queries], 25, warmup=[q for q, _ in warm])
    finally:
        server.close()
    db.engine.dispose()
