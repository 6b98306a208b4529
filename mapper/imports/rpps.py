"""Import the Annuaire Santé extraction ``PS_LibreAcces_Personne_activite`` into the directory.

Stream the file (columns matched by name, see ``rpps_parse``), COPY the useful columns into a
temporary staging table, then merge with set-based SQL:

* one professional per identifier: RPPS (type 8, 11 digits) or ADELI (type 0, 9 characters);
  a re-import updates names, profession and savoir-faire in place, and never touches what the
  CPTS curates (competencies, zones, slots, new patients…);
* one practice site per distinct normalised address of a professional; sites of the RPPS that
  vanished from the file are removed (within the imported départements only), new ones wait
  for ``mapper geocode --missing`` and meanwhile sit at their commune's point;
* rows without an address keep the professional without a site and are counted.

The file has no coordinates: geocoding is a separate batch, but answers already in the cache
are applied at once. One transaction: a file lands with its report or not at all.
"""
from __future__ import annotations

import logging
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from sqlalchemy.orm import Session

from ..geocoding import normalise_address
from .report import ImportReport
from .rpps_parse import FIELDS, RppsFormatError, RppsReader, RppsRow, address_line
from .staging import copy_rows, create_staging

log = logging.getLogger(__name__)

RPPS_ID = re.compile(r"^\d{11}$")
ADELI_ID = re.compile(r"^[0-9A-Z]{9}$")
MAX_LISTED_REJECTIONS = 1000

STAGE_COLUMNS = (
    "line_no", "id_type", "pp_id", "civility", "last_name", "first_name", "profession_code",
    "profession_label", "specialty_code", "specialty", "structure_name", "address", "postcode",
    "commune_code", "commune_label", "phone", "address_key", "departement",
)
STAGE_SQL = """
    line_no int, id_type text, pp_id text, civility text, last_name text, first_name text,
    profession_code text, profession_label text, specialty_code text, specialty text,
    structure_name text, address text, postcode text, commune_code text, commune_label text,
    phone text, address_key text, departement text
"""


class _AddressFields:
    __slots__ = ("street_number", "repetition_index", "street_type_code", "street_type",
                 "street_name", "geo_complement", "distribution_mention")

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values):
            setattr(self, name, value)


@lru_cache(maxsize=262_144)
def _address(number, index, type_code, type_label, street, complement, mention, postcode,
             commune) -> tuple[str | None, str | None]:
    """(address line, normalised key) of a row's address fields; cached because the national
    file repeats addresses a lot (a hospital's practitioners share one)."""
    line = address_line(_AddressFields(number, index, type_code, type_label, street, complement,
                                       mention))
    if not line or not (postcode or commune):
        return None, None
    return line, normalise_address(line, postcode, commune)


def departement_of_row(row: RppsRow) -> str | None:
    """The structure's département: its column, else from the commune code or postcode."""
    if row.departement_code:
        return row.departement_code.upper()
    code = row.commune_code or row.postcode
    if not code or len(code) < 2:
        return None
    return code[:3] if code.startswith("97") else code[:2].upper()


def _clip(value: str | None, n: int) -> str | None:
    return value[:n] if value and len(value) > n else value


def import_rpps_file(session: Session, path: Path | str, *, departements: Iterable[str] = (),
                     professions: Iterable[str] = (), min_score: float = 0.5) -> ImportReport:
    """Merge one extraction file; raises RppsFormatError when the file is not usable."""
    path = Path(path)
    report = ImportReport(source=str(path))
    deps = {d.strip().upper() for d in departements if d.strip()}
    profs = {p.strip() for p in professions if p.strip()}
    reader = RppsReader(path)
    rows_iter = reader.rows()  # checks the header now
    conn = session.connection()
    conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
    create_staging(session, "stage_rpps", STAGE_SQL)
    counts = dict(read=0, skipped_by_filter=0, without_address=0, adeli_rows=0)
    rejected_total = 0

    def reject(line_no: int, reason: str, key: str | None) -> None:
        nonlocal rejected_total
        rejected_total += 1
        if len(report.rejected) < MAX_LISTED_REJECTIONS:
            report.reject(f"line {line_no}", reason, key)

    def staged():
        for row in rows_iter:
            counts["read"] += 1
            if profs and row.profession_code not in profs:
                counts["skipped_by_filter"] += 1
                continue
            dep = departement_of_row(row)
            if deps and dep not in deps:
                counts["skipped_by_filter"] += 1
                continue
            pp_id = row.pp_id
            if row.id_type == "8":
                if not pp_id or not RPPS_ID.match(pp_id):
                    reject(row.line_no, "RPPS identifier is not 11 digits", pp_id)
                    continue
            elif row.id_type == "0":
                pp_id = (pp_id or "").upper()
                if not ADELI_ID.match(pp_id):
                    reject(row.line_no, "ADELI identifier is not 9 characters", row.pp_id)
                    continue
                counts["adeli_rows"] += 1
            else:
                reject(row.line_no, f"unsupported identifier type {row.id_type!r}", pp_id)
                continue
            if not row.last_name or not row.profession_code:
                reject(row.line_no, "missing name or profession code", pp_id)
                continue
            line, key = _address(row.street_number, row.repetition_index, row.street_type_code,
                                 row.street_type, row.street_name, row.geo_complement,
                                 row.distribution_mention, row.postcode, row.commune_code)
            if key is None:
                counts["without_address"] += 1
            yield (row.line_no, row.id_type, pp_id,
                   _clip(row.exercise_civility or row.civility, 16), _clip(row.last_name, 200),
                   _clip(row.first_name, 200), _clip(row.profession_code, 32),
                   _clip(row.profession_label, 200), _clip(row.savoir_faire_code, 16),
                   _clip(row.savoir_faire_label, 300), _clip(row.structure_name or row.trade_name, 300),
                   _clip(line, 300), _clip(row.postcode, 10), _clip(row.commune_code, 5),
                   _clip(row.commune_label, 200), _clip(row.phone, 40), _clip(key, 700), dep)

    t0 = time.perf_counter()
    copy_rows(session, "stage_rpps", STAGE_COLUMNS, staged())
    timings = {"read and copy": time.perf_counter() - t0}
    for line_no in reader.malformed_lines:
        reject(line_no, "wrong number of fields", None)
    rejected_total += reader.malformed - len(reader.malformed_lines)
    report.counts.update(counts)
    report.counts["rejected_rows"] = rejected_total
    if rejected_total > len(report.rejected):
        report.notes.append(f"{rejected_total - len(report.rejected)} more rejected rows not listed")
    _merge(session, report, deps, min_score, timings)
    log.info("%s", report.lines()[0])
    return report


def _scalar(conn, sql: str, params=None):
    return conn.exec_driver_sql(sql, params or {}).scalar()


def _merge(session: Session, report: ImportReport, deps: set[str], min_score: float,
           timings: dict[str, float]) -> None:
    conn = session.connection()
    run = conn.exec_driver_sql
    last = [time.perf_counter()]

    def tick(step: str) -> None:
        now = time.perf_counter()
        timings[step] = now - last[0]
        last[0] = now
    run("ANALYZE stage_rpps")
    # Professions the nomenclature seed does not know yet (the file is authoritative for labels).
    run("""
        INSERT INTO profession (code, label, kind)
        SELECT DISTINCT ON (profession_code) profession_code,
               coalesce(profession_label, profession_code), 'rpps'
        FROM stage_rpps ORDER BY profession_code, profession_label
        ON CONFLICT (code) DO NOTHING
    """)
    # One row per person: prefer a situation with a savoir-faire, then the first line.
    run("""
        CREATE TEMP TABLE stage_person ON COMMIT DROP AS
        SELECT DISTINCT ON (id_type, pp_id) id_type, pp_id, civility, last_name,
               coalesce(first_name, '') AS first_name, profession_code, specialty_code, specialty
        FROM stage_rpps ORDER BY id_type, pp_id, (specialty_code IS NULL), line_no
    """)
    run("ANALYZE stage_person")
    ins = upd = 0
    for id_type, column in (("8", "rpps"), ("0", "adeli")):
        row = run(f"""
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
        """).one()
        ins += row[0]
        upd += row[1]
    persons = _scalar(conn, "SELECT count(*) FROM stage_person")
    tick("professionals")
    report.counts.update(professionals_inserted=ins, professionals_updated=upd,
                         professionals_unchanged=persons - ins - upd)
    run("""
        CREATE TEMP TABLE stage_pid ON COMMIT DROP AS
        SELECT s.id_type, s.pp_id, p.id AS professional_id, p.profession_code
        FROM stage_person s JOIN professional p ON p.rpps = s.pp_id WHERE s.id_type = '8'
        UNION ALL
        SELECT s.id_type, s.pp_id, p.id, p.profession_code
        FROM stage_person s JOIN professional p ON p.adeli = s.pp_id WHERE s.id_type = '0'
    """)
    run("ALTER TABLE stage_pid ADD PRIMARY KEY (id_type, pp_id)")
    run("ANALYZE stage_pid")
    # One site per (professional, address): the first situation at that address wins.
    run("""
        CREATE TEMP TABLE stage_site ON COMMIT DROP AS
        SELECT DISTINCT ON (m.professional_id, s.address_key) m.professional_id,
               m.profession_code, s.structure_name, s.address, s.postcode, s.commune_code,
               s.commune_label, s.phone, s.address_key, s.departement
        FROM stage_rpps s JOIN stage_pid m USING (id_type, pp_id)
        WHERE s.address_key IS NOT NULL
        ORDER BY m.professional_id, s.address_key, s.line_no
    """)
    run("ALTER TABLE stage_site ADD PRIMARY KEY (professional_id, address_key)")
    run("ANALYZE stage_site")
    tick("site staging")
    with_address = _scalar(conn, "SELECT count(*) FROM stage_rpps WHERE address_key IS NOT NULL")
    sites = _scalar(conn, "SELECT count(*) FROM stage_site")
    # New sites take the cached BAN answer when it is good enough, as they are inserted (an
    # UPDATE afterwards would rewrite every row and index). The others wait, without a point,
    # for `mapper geocode --missing`: piling them on commune points would put thousands of
    # imprecise markers at the top of every search near a town hall.
    row = run("""
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
    """, {"min_score": min_score}).one()
    tick("sites")
    # RPPS sites no longer in the file, for the professionals and départements imported.
    scope = ""
    params: dict = {}
    if deps:
        scope = ("AND (CASE WHEN t.commune_code LIKE '97%%' THEN left(t.commune_code, 3) "
                 "ELSE left(t.commune_code, 2) END) = ANY(%(deps)s)")
        params["deps"] = sorted(deps)
    removed = run(f"""
        DELETE FROM practice_site t USING stage_pid m
        WHERE t.professional_id = m.professional_id AND t.source = 'rpps' {scope}
          AND NOT EXISTS (SELECT 1 FROM stage_site k WHERE k.professional_id = t.professional_id
                          AND k.address_key = t.address_key)
    """, params).rowcount
    report.counts.update(sites_inserted=row[0], sites_updated=row[1],
                         sites_unchanged=sites - row[0] - row[1], sites_removed=removed,
                         duplicate_situations=with_address - sites)
    report.counts["sites_geocoded_from_cache"] = row[2]
    tick("removed sites")
    to_geocode = _scalar(conn, "SELECT count(*) FROM practice_site "
                               "WHERE geocode_status IN ('pending', 'unavailable')")
    if to_geocode:
        report.notes.append(f"{to_geocode} sites wait for geocoding: run `mapper geocode --missing`")
    report.notes.append("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    for table in ("stage_site", "stage_pid", "stage_person", "stage_rpps"):
        run(f"DROP TABLE {table}")


__all__ = ["RppsFormatError", "import_rpps_file", "FIELDS"]
