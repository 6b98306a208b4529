"""The set-based merge of a staged RPPS extraction into the directory (``rpps.py`` stages it).

Steps, each one statement or two over the staging tables, timed for the report:
professions the nomenclature does not know yet; one row per person; professionals inserted or
updated in place (never what the CPTS curates); one site per (professional, address), new
ones taking a cached BAN answer as they are inserted; RPPS sites gone from the file removed
(within the imported départements only).
"""
from __future__ import annotations

import time

from sqlalchemy.orm import Session

from .report import ImportReport

_PROFESSIONS = """
        INSERT INTO profession (code, label, kind)
        SELECT DISTINCT ON (profession_code) profession_code,
               coalesce(profession_label, profession_code), 'rpps'
        FROM stage_rpps ORDER BY profession_code, profession_label
        ON CONFLICT (code) DO NOTHING
    """

_PERSONS = """
        CREATE TEMP TABLE stage_person ON COMMIT DROP AS
        SELECT DISTINCT ON (id_type, pp_id) id_type, pp_id, civility, last_name,
               coalesce(first_name, '') AS first_name, profession_code, specialty_code, specialty
        FROM stage_rpps ORDER BY id_type, pp_id, (specialty_code IS NULL), line_no
    """

#: One statement per identifier type (RPPS, ADELI): {column} and {id_type} are constants.
_PROFESSIONALS = """
            WITH up AS (
              INSERT INTO professional AS p ({column}, civility, first_name, last_name,
                                             profession_code, specialty_code, specialty, source)
              SELECT pp_id, civility, first_name, last_name, profession_code, specialty_code,
                     specialty, 'rpps'
              FROM stage_person WHERE id_type = '{id_type}'
              ON CONFLICT ({column}) DO UPDATE SET
                civility = EXCLUDED.civility, first_name = EXCLUDED.first_name,
                last_name = EXCLUDED.last_name, profession_code = EXCLUDED.profession_code,
                specialty_code = EXCLUDED.specialty_code, specialty = EXCLUDED.specialty,
                updated_at = now()
              WHERE (p.civility, p.first_name, p.last_name, p.profession_code, p.specialty_code,
                     p.specialty)
                    IS DISTINCT FROM (EXCLUDED.civility, EXCLUDED.first_name, EXCLUDED.last_name,
                                      EXCLUDED.profession_code, EXCLUDED.specialty_code,
                                      EXCLUDED.specialty)
              RETURNING (xmax = 0) AS inserted)
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
        """

_PIDS = """
        CREATE TEMP TABLE stage_pid ON COMMIT DROP AS
        SELECT s.id_type, s.pp_id, p.id AS professional_id, p.profession_code
        FROM stage_person s JOIN professional p ON p.rpps = s.pp_id WHERE s.id_type = '8'
        UNION ALL
        SELECT s.id_type, s.pp_id, p.id, p.profession_code
        FROM stage_person s JOIN professional p ON p.adeli = s.pp_id WHERE s.id_type = '0'
    """

_SITES_STAGE = """
        CREATE TEMP TABLE stage_site ON COMMIT DROP AS
        SELECT DISTINCT ON (m.professional_id, s.address_key) m.professional_id,
               m.profession_code, s.structure_name, s.address, s.postcode, s.commune_code,
               s.commune_label, s.phone, s.address_key, s.departement
        FROM stage_rpps s JOIN stage_pid m USING (id_type, pp_id)
        WHERE s.address_key IS NOT NULL
        ORDER BY m.professional_id, s.address_key, s.line_no
    """

_SITES = """
        WITH up AS (
          INSERT INTO practice_site AS t (professional_id, profession_code, name, address,
                                          postcode, commune_code, commune_name, phone,
                                          address_key, source, geom, geocode_score,
                                          geocode_source, geocode_status, precision, geocoded_at)
          SELECT k.professional_id, k.profession_code, k.structure_name, k.address, k.postcode,
                 coalesce(k.commune_code, g.citycode), k.commune_label, k.phone, k.address_key,
                 'rpps',
                 CASE WHEN g.ok THEN ST_SetSRID(ST_MakePoint(g.lon, g.lat), 4326) END,
                 CASE WHEN g.ok THEN g.score END, CASE WHEN g.ok THEN 'ban' END,
                 CASE WHEN g.ok THEN 'ok' ELSE 'pending' END,
                 CASE WHEN g.ok THEN CASE g.result_type WHEN 'housenumber' THEN 'address'
                                          WHEN 'street' THEN 'street'
                                          WHEN 'locality' THEN 'street'
                                          ELSE 'commune_centroid' END END,
                 CASE WHEN g.ok THEN now() END
          FROM stage_site k
          LEFT JOIN (SELECT c.*, (c.status = 'ok' AND c.score >= %(min_score)s) AS ok
                     FROM geocode_cache c) g ON g.key = k.address_key
          ON CONFLICT (professional_id, address_key) DO UPDATE SET
            name = EXCLUDED.name, address = EXCLUDED.address, postcode = EXCLUDED.postcode,
            commune_code = coalesce(EXCLUDED.commune_code, t.commune_code),
            commune_name = EXCLUDED.commune_name, phone = EXCLUDED.phone, updated_at = now()
          WHERE (t.name, t.address, t.postcode, t.commune_name, t.phone)
                IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.address, EXCLUDED.postcode,
                                  EXCLUDED.commune_name, EXCLUDED.phone)
          RETURNING (xmax = 0) AS inserted, t.geocode_status = 'ok' AS from_cache)
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               count(*) FILTER (WHERE inserted AND from_cache) FROM up
    """

#: {scope} restricts to the imported départements (or is empty).
_REMOVED_SITES = """
        DELETE FROM practice_site t USING stage_pid m
        WHERE t.professional_id = m.professional_id AND t.source = 'rpps' {scope}
          AND NOT EXISTS (SELECT 1 FROM stage_site k WHERE k.professional_id = t.professional_id
                          AND k.address_key = t.address_key)
    """


class _Merge:
    """The connection of the import, its report and the time each step took."""

    def __init__(self, session: Session, report: ImportReport, timings: dict[str, float]):
        self.conn = session.connection()
        self.report = report
        self.timings = timings
        self.last = time.perf_counter()

    def run(self, sql: str, params=None):
        return self.conn.exec_driver_sql(sql, params or {})

    def scalar(self, sql: str, params=None):
        return self.run(sql, params).scalar()

    def tick(self, step: str) -> None:
        now = time.perf_counter()
        self.timings[step] = now - self.last
        self.last = now


def _professionals(m: _Merge) -> None:
    m.run("ANALYZE stage_rpps")
    m.run(_PROFESSIONS)
    m.run(_PERSONS)
    m.run("ANALYZE stage_person")
    inserted = updated = 0
    for id_type, column in (("8", "rpps"), ("0", "adeli")):
        row = m.run(_PROFESSIONALS.format(column=column, id_type=id_type)).one()
        inserted += row[0]
        updated += row[1]
    persons = m.scalar("SELECT count(*) FROM stage_person")
    m.tick("professionals")
    m.report.counts.update(professionals_inserted=inserted, professionals_updated=updated,
                           professionals_unchanged=persons - inserted - updated)


def _stage_sites(m: _Merge) -> None:
    m.run(_PIDS)
    m.run("ALTER TABLE stage_pid ADD PRIMARY KEY (id_type, pp_id)")
    m.run("ANALYZE stage_pid")
    m.run(_SITES_STAGE)
    m.run("ALTER TABLE stage_site ADD PRIMARY KEY (professional_id, address_key)")
    m.run("ANALYZE stage_site")
    m.tick("site staging")


def _sites(m: _Merge, deps: set[str], min_score: float) -> None:
    with_address = m.scalar("SELECT count(*) FROM stage_rpps WHERE address_key IS NOT NULL")
    sites = m.scalar("SELECT count(*) FROM stage_site")
    row = m.run(_SITES, {"min_score": min_score}).one()
    m.tick("sites")
    scope, params = "", {}
    if deps:
        scope = ("AND (CASE WHEN t.commune_code LIKE '97%%' THEN left(t.commune_code, 3) "
                 "ELSE left(t.commune_code, 2) END) = ANY(%(deps)s)")
        params["deps"] = sorted(deps)
    removed = m.run(_REMOVED_SITES.format(scope=scope), params).rowcount
    m.report.counts.update(sites_inserted=row[0], sites_updated=row[1],
                           sites_unchanged=sites - row[0] - row[1], sites_removed=removed,
                           duplicate_situations=with_address - sites)
    m.report.counts["sites_geocoded_from_cache"] = row[2]
    m.tick("removed sites")


def merge(session: Session, report: ImportReport, deps: set[str], min_score: float,
          timings: dict[str, float]) -> None:
    """Merge the staged file (``stage_rpps``) into the directory; counts go to ``report``."""
    m = _Merge(session, report, timings)
    _professionals(m)
    _stage_sites(m)
    _sites(m, deps, min_score)
    to_geocode = m.scalar("SELECT count(*) FROM practice_site "
                          "WHERE geocode_status IN ('pending', 'unavailable')")
    if to_geocode:
        report.notes.append(f"{to_geocode} sites wait for geocoding: run `mapper geocode --missing`")
    report.notes.append("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    for table in ("stage_site", "stage_pid", "stage_person", "stage_rpps"):
        m.run(f"DROP TABLE {table}")
