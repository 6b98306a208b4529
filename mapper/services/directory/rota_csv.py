"""The rota as CSV, in the documented template (docs/rota-csv.md): export a period, import a
file — all of it or nothing.

Import: one row per shift; the holder by ``rpps`` or ``professional_id``; each row goes
through the API's schema (``ShiftInSchema``) and the same use cases (``create_shift``,
``update_shift``). A row whose holder, day and hours match a shift of the CPTS updates its
free places, note and location (an exported file imported again changes nothing); other rows
create shifts. Any bad row refuses the whole file (422 listing every bad line), nothing
written.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import MapperError, ValidationFailed
from ...models import Cpts, Professional, Shift
from ...schemas.base import load
from ...schemas.fields import text_problem
from ...schemas.rota import ShiftInSchema
from .rota import create_shift, update_shift
from .rota_access import require_manage_rota, require_view_rota
from .rota_views import cpts_shifts

#: The columns an import reads (the others of an export — names, place — are ignored).
COLUMNS = ("date", "start", "end", "overnight", "rpps", "professional_id", "site_id",
           "place_id", "free_places", "note")
EXPORT_COLUMNS = ("id", "date", "start", "end", "overnight", "rpps", "professional_id",
                  "last_name", "first_name", "profession", "site_id", "place_id", "where",
                  "free_places", "note", "updated_by")
TRUE = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
MAX_ROWS = 20_000


def export_csv(session: Session, principal, cpts: Cpts, start: date, end: date) -> str:
    require_view_rota(session, principal, cpts.id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for s in cpts_shifts(session, cpts.id, start, end):
        p, where = s["professional"], s["where"] or {}
        writer.writerow([s["id"], s["date"], s["start"], s["end"],
                         "oui" if s["overnight"] else "non", p["rpps"] or "", p["id"],
                         p["last_name"], p["first_name"], p["profession"], s["site"] or "",
                         s["place"] or "", where.get("name") or where.get("address") or "",
                         s["free_places"], s["note"] or "", s["updated_by"] or ""])
    return out.getvalue()


def _reader(text: str) -> csv.DictReader:
    first = text.split("\n", 1)[0]
    return csv.DictReader(io.StringIO(text, newline=""),
                          delimiter=";" if first.count(";") >= first.count(",") else ",")


def _holder(session: Session, cell: dict) -> int:
    if cell.get("rpps"):
        found = session.scalar(select(Professional.id).where(Professional.rpps == cell["rpps"]))
        if found is None:
            raise ValidationFailed("rpps", errors={"rpps": [f"RPPS {cell['rpps']} inconnu"]})
        return found
    if cell.get("professional_id", "").isdecimal():
        return int(cell["professional_id"])
    raise ValidationFailed("professional", errors={"professional_id": [
        "rpps ou professional_id requis"]})


def row_body(session: Session, cell: dict) -> dict:
    """The API body of a row (checked by ``ShiftInSchema``)."""
    for column, value in cell.items():
        problem = text_problem(value)
        if problem:
            raise ValidationFailed(column, errors={column or "_": [problem]})
    raw = {"professional": _holder(session, cell), "date": cell.get("date"),
           "start": cell.get("start"), "end": cell.get("end"),
           "overnight": (cell.get("overnight") or "").lower() in TRUE,
           "site": int(cell["site_id"]) if cell.get("site_id", "").isdecimal() else None,
           "place": int(cell["place_id"]) if cell.get("place_id", "").isdecimal() else None,
           "free_places": cell.get("free_places") or 0, "note": cell.get("note") or None}
    return load(ShiftInSchema(), raw)


def _same(session: Session, cpts_id: int, body: dict) -> Shift | None:
    return session.scalars(select(Shift).where(
        Shift.cpts_id == cpts_id, Shift.professional_id == body["professional"],
        Shift.on_date == body["date"], Shift.start_time == body["start"],
        Shift.end_time == body["end"])).first()


def _apply(session: Session, principal, cpts: Cpts, body: dict) -> str:
    existing = _same(session, cpts.id, body)
    if existing is None:
        create_shift(session, principal, cpts, body)
        return "created"
    change = {k: body[k] for k in ("free_places", "note", "site", "place")}
    current = {"free_places": existing.free_places, "note": existing.note,
               "site": existing.site_id, "place": existing.place_id}
    if change == current:
        return "unchanged"
    update_shift(session, principal, existing.id, change)
    return "updated"


def import_csv(session: Session, principal, cpts: Cpts, text: str) -> dict:
    """Import a file's text; counts back, or ValidationFailed naming each bad line (nothing
    of the file written)."""
    require_manage_rota(principal, cpts.id)
    reader = _reader(text)
    header = [h.strip().lower() for h in reader.fieldnames or ()]
    missing = [c for c in ("date", "start", "end") if c not in header]
    if missing or not ({"rpps", "professional_id"} & set(header)):
        raise ValidationFailed("Colonnes manquantes.", errors={"file": [
            "colonnes attendues : " + ", ".join(COLUMNS) + " (voir docs/rota-csv.md)"]})
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors: dict[str, list[str]] = {}
    savepoint = session.begin_nested()
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            errors["file"] = [f"{MAX_ROWS} lignes au plus"]
            break
        cell = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                if isinstance(v, str)}
        try:
            counts[_apply(session, principal, cpts, row_body(session, cell))] += 1
        except MapperError as exc:
            errors[f"line {number}"] = [f"{k} : {', '.join(map(str, v))}"
                                        for k, v in (exc.errors or {"_": [exc.detail]}).items()]
    if errors:
        savepoint.rollback()
        raise ValidationFailed(f"{len(errors)} ligne(s) refusée(s) : rien n'a été importé.",
                               errors=errors)
    savepoint.commit()
    return counts
