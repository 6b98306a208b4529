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

import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from sqlalchemy.orm import Session

from ..geocoding import normalise_address
from .report import ImportReport
from .rpps_merge import merge
from .rpps_parse import FIELDS, RppsFormatError, RppsReader, RppsRow, address_line
from .staging import copy_rows, create_staging


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


def _identifier(row: RppsRow) -> tuple[str | None, str | None]:
    """(the identifier to store, None) or (None, the reason the row is rejected)."""
    if row.id_type == "8":
        if not row.pp_id or not RPPS_ID.match(row.pp_id):
            return None, "RPPS identifier is not 11 digits"
        return row.pp_id, None
    if row.id_type == "0":
        pp_id = (row.pp_id or "").upper()
        if not ADELI_ID.match(pp_id):
            return None, "ADELI identifier is not 9 characters"
        return pp_id, None
    return None, f"unsupported identifier type {row.id_type!r}"


def _stage_row(row: RppsRow, pp_id: str, dep: str | None, line: str | None,
               key: str | None) -> tuple:
    return (row.line_no, row.id_type, pp_id,
            _clip(row.exercise_civility or row.civility, 16), _clip(row.last_name, 200),
            _clip(row.first_name, 200), _clip(row.profession_code, 32),
            _clip(row.profession_label, 200), _clip(row.savoir_faire_code, 16),
            _clip(row.savoir_faire_label, 300), _clip(row.structure_name or row.trade_name, 300),
            _clip(line, 300), _clip(row.postcode, 10), _clip(row.commune_code, 5),
            _clip(row.commune_label, 200), _clip(row.phone, 40), _clip(key, 700), dep)


class _Stager:
    """Filters and checks the rows of the file, yields the staging tuples, counts the rest
    (the first ``MAX_LISTED_REJECTIONS`` rejections are listed, the others counted)."""

    def __init__(self, report: ImportReport, deps: set[str], profs: set[str]) -> None:
        self.report, self.deps, self.profs = report, deps, profs
        self.counts = dict(read=0, skipped_by_filter=0, without_address=0, adeli_rows=0)
        self.rejected = 0

    def reject(self, line_no: int, reason: str, key: str | None) -> None:
        self.rejected += 1
        if len(self.report.rejected) < MAX_LISTED_REJECTIONS:
            self.report.reject(f"line {line_no}", reason, key)

    def rows(self, rows: Iterable[RppsRow]):
        counts = self.counts
        for row in rows:
            counts["read"] += 1
            dep = departement_of_row(row)
            if (self.profs and row.profession_code not in self.profs) or (
                    self.deps and dep not in self.deps):
                counts["skipped_by_filter"] += 1
                continue
            pp_id, problem = _identifier(row)
            if problem is None and not (row.last_name and row.profession_code):
                problem = "missing name or profession code"
            if problem is not None:
                self.reject(row.line_no, problem, pp_id or row.pp_id)
                continue
            counts["adeli_rows"] += row.id_type == "0"
            line, key = _address(row.street_number, row.repetition_index, row.street_type_code,
                                 row.street_type, row.street_name, row.geo_complement,
                                 row.distribution_mention, row.postcode, row.commune_code)
            counts["without_address"] += key is None
            yield _stage_row(row, pp_id, dep, line, key)


def import_rpps_file(session: Session, path: Path | str, *, departements: Iterable[str] = (),
                     professions: Iterable[str] = (), min_score: float = 0.5) -> ImportReport:
    """Merge one extraction file; raises RppsFormatError when the file is not usable."""
    path = Path(path)
    report = ImportReport(source=str(path))
    stager = _Stager(report, {d.strip().upper() for d in departements if d.strip()},
                     {p.strip() for p in professions if p.strip()})
    reader = RppsReader(path)
    rows_iter = reader.rows()  # checks the header now
    session.connection().exec_driver_sql("SET LOCAL work_mem = '256MB'")
    create_staging(session, "stage_rpps", STAGE_SQL)
    t0 = time.perf_counter()
    copy_rows(session, "stage_rpps", STAGE_COLUMNS, stager.rows(rows_iter))
    timings = {"read and copy": time.perf_counter() - t0}
    for line_no in reader.malformed_lines:
        stager.reject(line_no, reader.malformed_reasons.get(line_no, "wrong number of fields"),
                      None)
    stager.rejected += reader.malformed - len(reader.malformed_lines)
    report.counts.update(stager.counts)
    report.counts["rejected_rows"] = stager.rejected
    if stager.rejected > len(report.rejected):
        report.notes.append(f"{stager.rejected - len(report.rejected)} more rejected rows "
                            "not listed")
    merge(session, report, stager.deps, min_score, timings)
    return report


__all__ = ["RppsFormatError", "import_rpps_file", "FIELDS"]
