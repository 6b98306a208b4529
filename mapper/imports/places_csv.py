"""Import a CPTS's places from the CSV template (data/templates/places.csv, documented in
data/templates/README.md): one place per row, keyed by ``ref`` (re-importing updates).

One transaction per file: every row goes through the API's schema and the same use case
(``places.upsert_place``); if any row is refused, every refused row is named with its line and
reason and the file is refused whole (``FileRefused``: the caller rolls back, nothing lands).
"""
from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from sqlalchemy.orm import Session

from ..errors import MapperError, ValidationFailed
from ..schemas.base import load
from ..schemas.places import PlaceCreateSchema
from ..services.directory.places import upsert_place
from ..vocab import PLACE_KINDS
from . import report as report_mod
from .csvfile import read_text

COLUMNS = ("ref", "name", "kind", "finess", "address", "postcode", "commune", "lat", "lon",
           "phone", "website", "accessible", "notes", "cpts")
REQUIRED = ("ref", "name", "kind", "address")
BOOLEANS = {"oui": True, "o": True, "true": True, "1": True, "x": True, "non": False,
            "n": False, "false": False, "0": False}
#: Words people write for a kind (accents and case ignored) -> the code.
KIND_WORDS = {"centre de sante": "centre_sante", "maison de sante": "msp",
              "laboratoire d'analyses": "laboratoire", "salle": "mairie",
              "salle municipale": "mairie", "etablissement de sante": "etablissement",
              "hopital": "etablissement", "clinique": "etablissement"}


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.strip().lower())
                   if not unicodedata.combining(c))


def _kind(cell: str) -> str:
    word = _plain(cell)
    return word if word in PLACE_KINDS else KIND_WORDS.get(word, word.replace(" ", "_"))


def row_body(row: dict[str, str], cpts) -> dict:
    cell = {k: (v or "").strip() for k, v in row.items() if k}
    body: dict = {"external_ref": cell.get("ref"), "name": cell.get("name"),
                  "kind": _kind(cell.get("kind", "")), "address": cell.get("address")}
    for column in ("finess", "postcode", "commune", "phone", "website", "notes"):
        if cell.get(column):
            body[column] = cell[column]
    if cell.get("accessible"):
        value = BOOLEANS.get(cell["accessible"].lower())
        body["accessible"] = cell["accessible"] if value is None else value
    if cell.get("lat") or cell.get("lon"):
        body["lat"] = cell.get("lat", "").replace(",", ".") or None
        body["lon"] = cell.get("lon", "").replace(",", ".") or None
    if cell.get("cpts") or cpts:
        body["cpts"] = cell.get("cpts") or str(cpts)
    return body


def _reader(path: Path) -> csv.DictReader:
    raw = read_text(path)
    first = raw.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(raw, newline=""),
                            delimiter=";" if first.count(";") >= first.count(",") else ",")
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        raise report_mod.FileRefused(f"{path}: " + "; ".join(filter(None, [
            f"unknown columns {unknown}" if unknown else "",
            f"missing columns {missing}" if missing else ""])) +
            f". Expected columns: {', '.join(COLUMNS)}")
    return reader


def _import_row(session: Session, row: dict, settings, options: dict) -> str:
    problem = report_mod.cell_problem(row.values())
    if problem:
        raise ValidationFailed(problem)
    data = load(PlaceCreateSchema(), row_body(row, options["cpts"]))
    with session.begin_nested():
        return upsert_place(session, data, settings, audit_actor=options["actor"],
                            client=options["client"])


def import_places_csv(session: Session, path: Path | str, settings, *, cpts=None,
                      actor: str = "import:places", client=None) -> report_mod.ImportReport:
    """Import the file in the caller's transaction; ``FileRefused`` (naming every bad line)
    when the file or any row is refused — the caller then rolls back."""
    path = Path(path)
    report = report_mod.ImportReport(source=str(path))
    reader = _reader(path)
    counts = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0}
    options = {"cpts": cpts, "actor": actor, "client": client}
    refs: dict[str, int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        counts["rows"] += 1
        ref = (row.get("ref") or "").strip()
        if ref in refs:
            report.reject(f"line {line_no}", f"ref: déjà à la ligne {refs[ref]}", ref)
            continue
        refs[ref] = line_no
        try:
            counts[_import_row(session, row, settings, options)] += 1
        except MapperError as exc:
            report.reject(f"line {line_no}", report_mod.error_reason(exc), ref or None)
    report.counts.update(counts)
    if report.rejected:
        raise report_mod.FileRefused("\n".join(report.lines()))
    return report
