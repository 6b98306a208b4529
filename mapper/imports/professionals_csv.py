"""Import the CSV a CPTS fills in (template and documentation: data/templates/).

One professional per row, one practice site per row. Each row goes through the same schema as
the API (``schemas.professionals``) and the same use case (``directory.upsert_professional``)
inside its own savepoint: a bad row is reported with its line number and reason, the valid rows
are imported. A row whose ``rpps`` or ``ref`` matches an entry updates it: empty cells leave the
field as it is, the row's site is added to the entry's sites (others are kept), and its
zones / slots / competencies, when given, replace the current ones. Memberships are only added.
Running the same file twice changes nothing (no write, no audit event).
"""
from __future__ import annotations

import csv
import io
import logging
import re
from pathlib import Path

from sqlalchemy.orm import Session

from ..errors import MapperError
from ..schemas.base import load
from ..schemas.professionals import ProfessionalCreateSchema, ProfessionalInSchema
from ..services.directory import find_existing, resolve_cpts, upsert_professional
from . import report as report_mod
from .csvfile import read_text

log = logging.getLogger(__name__)

COLUMNS = (
    "ref", "rpps", "civility", "first_name", "last_name", "profession", "specialty",
    "competencies", "accepts_new_patients", "home_visits", "teleconsultation", "languages",
    "accessible", "phone", "private_phone", "mssante", "referral_preference", "takes_referrals",
    "colleague_note", "email", "public_email", "website", "site_name",
    "address", "postcode", "commune", "lat", "lon", "zone_communes", "zone_radius_km", "slots",
    "cpts",
)
REQUIRED = ("last_name", "profession")
BOOLEANS = {"oui": True, "o": True, "yes": True, "y": True, "true": True, "vrai": True, "1": True,
            "x": True, "non": False, "n": False, "no": False, "false": False, "faux": False,
            "0": False}
DAYS = {"lun": 1, "lundi": 1, "mar": 2, "mardi": 2, "mer": 3, "mercredi": 3, "jeu": 4, "jeudi": 4,
        "ven": 5, "vendredi": 5, "sam": 6, "samedi": 6, "dim": 7, "dimanche": 7}
_SLOT = re.compile(r"^(?P<day>\w+)\s+(?P<start>\d{1,2}[:h]\d{2})\s*-\s*(?P<end>\d{1,2}[:h]\d{2})"
                   r"(?:\s+(?P<kind>[a-z]+))?$", re.IGNORECASE)
_LIST_SEP = re.compile(r"[|,]")


class CsvFormatError(report_mod.FileRefused):
    """The file is not a usable template (unknown or missing columns, not UTF-8)."""


class RowError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def _list(cell: str) -> list[str]:
    return [part.strip() for part in _LIST_SEP.split(cell) if part.strip()]


def _bool(cell: str, column: str) -> bool:
    value = BOOLEANS.get(cell.strip().lower())
    if value is None:
        raise RowError({column: [f"oui/non attendu, pas {cell!r}"]})
    return value


def _time(text: str) -> str:
    hours, minutes = re.split(r"[:h]", text.lower())
    return f"{int(hours):02d}:{minutes}"


def parse_slots(cell: str) -> list[dict]:
    """``"lun 14:00-20:00 snp | 3 08:00-12:00 vaccination"`` → slot dicts (kind default snp)."""
    out = []
    for part in _list(cell):
        m = _SLOT.match(part)
        if not m:
            raise RowError({"slots": [f"créneau illisible : {part!r} (ex. « lun 14:00-20:00 snp »)"]})
        day = m["day"].lower()
        weekday = int(day) if day.isdigit() else DAYS.get(day)
        if weekday is None:
            raise RowError({"slots": [f"jour inconnu : {m['day']!r}"]})
        out.append({"weekday": weekday, "start": _time(m["start"]), "end": _time(m["end"]),
                    "kind": (m["kind"] or "snp").lower()})
    return out


def row_to_body(row: dict[str, str]) -> tuple[dict, list[str]]:
    """The API body of a row (only non-empty cells) and its CPTS references."""
    cell = {k: (v or "").strip() for k, v in row.items() if k}
    body: dict = {}
    for column in ("rpps", "civility", "first_name", "last_name", "profession", "specialty",
                   "phone", "private_phone", "mssante", "referral_preference", "colleague_note",
                   "email", "website"):
        if cell.get(column):
            body[column] = cell[column]
    if cell.get("ref"):
        body["external_ref"] = cell["ref"]
    for column in ("accepts_new_patients", "home_visits", "teleconsultation", "accessible",
                   "public_email", "takes_referrals"):
        if cell.get(column):
            body[column] = _bool(cell[column], column)
    for column in ("competencies", "languages"):
        if cell.get(column):
            body[column] = _list(cell[column])
    if cell.get("address"):
        site = {"address": cell["address"], "name": cell.get("site_name") or None,
                "postcode": cell.get("postcode") or None, "commune": cell.get("commune") or None}
        if cell.get("lat") or cell.get("lon"):
            try:
                site["lat"] = float(cell["lat"].replace(",", "."))
                site["lon"] = float(cell["lon"].replace(",", "."))
            except (ValueError, KeyError, AttributeError):
                raise RowError({"lat": ["lat et lon : deux nombres (ex. 48.83 et 2.32)"]}) from None
        body["sites"] = [site]
    zones = []
    if cell.get("zone_communes"):
        zones.append({"communes": _list(cell["zone_communes"])})
    if cell.get("zone_radius_km"):
        try:
            zones.append({"radius_km": float(cell["zone_radius_km"].replace(",", ".")), "site": 0})
        except ValueError:
            raise RowError({"zone_radius_km": ["nombre de km attendu"]}) from None
    if zones:
        body["zones"] = zones
    if cell.get("slots"):
        body["slots"] = parse_slots(cell["slots"])
    return body, _list(cell.get("cpts", ""))


def _open(path: Path):
    try:
        raw = read_text(path)
    except report_mod.FileRefused as exc:
        raise CsvFormatError(str(exc)) from None
    first = raw.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(raw, newline=""), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        raise CsvFormatError(
            f"{path}: " + "; ".join(filter(None, [
                f"unknown columns {unknown}" if unknown else "",
                f"missing columns {missing}" if missing else "",
            ])) + f". Expected columns: {', '.join(COLUMNS)}")
    return reader


def _row_key(row: dict) -> str | None:
    return (row.get("ref") or row.get("rpps") or
            f"{row.get('last_name', '')} {row.get('first_name', '')}").strip() or None


def _check_unique_in_file(body: dict, seen: dict[str, int], line_no: int) -> None:
    for ident in ("rpps", "external_ref"):
        if body.get(ident):
            key = f"{ident}:{body[ident]}"
            if key in seen:
                raise RowError({ident: [f"déjà à la ligne {seen[key]}"]})
            seen[key] = line_no


def _import_row(session, row, line_no, seen, settings, options, report) -> str:
    """One row through the schema and ``upsert_professional``, in a savepoint; returns
    created, updated or unchanged. Raises RowError or MapperError (nothing written)."""
    problem = report_mod.cell_problem(row.values())
    if problem:
        raise RowError({"ligne": [problem]})
    body, cpts_refs = row_to_body(row)
    _check_unique_in_file(body, seen, line_no)
    existing = find_existing(session, rpps=body.get("rpps"),
                             external_ref=body.get("external_ref"))
    data = load(ProfessionalInSchema() if existing else ProfessionalCreateSchema(), body)
    refs = cpts_refs + ([str(options["cpts"])] if options["cpts"] else [])
    with session.begin_nested():
        cpts_ids = _cpts_ids(session, refs, options["missing_cpts"], report)
        return upsert_professional(session, data, settings, cpts_ids=cpts_ids,
                                   audit_actor=options["actor"], source=options["source"],
                                   client=options["client"])


def import_professionals_csv(session: Session, path: Path | str, settings, *, cpts=None,
                             missing_cpts: str = "reject", actor: str = "import:csv",
                             source: str = "csv", client=None) -> report_mod.ImportReport:
    """Import a filled-in template; ``missing_cpts="skip"`` ignores unknown CPTS (demo)."""
    path = Path(path)
    report = report_mod.ImportReport(source=str(path))
    reader = _open(path)
    counts = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0}
    options = {"cpts": cpts, "missing_cpts": missing_cpts, "actor": actor, "source": source,
               "client": client}
    seen: dict[str, int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        counts["rows"] += 1
        try:
            counts[_import_row(session, row, line_no, seen, settings, options, report)] += 1
        except RowError as exc:
            report.reject(f"line {line_no}", str(exc), _row_key(row))
        except MapperError as exc:
            report.reject(f"line {line_no}", report_mod.error_reason(exc), _row_key(row))
    report.counts.update(counts)
    return report


def _cpts_ids(session, refs, missing_cpts, report) -> list[int]:
    ids = []
    for ref in refs:
        try:
            ids += resolve_cpts(session, [ref])
        except MapperError:
            if missing_cpts != "skip":
                raise
            report.add("memberships_skipped")
    return ids
