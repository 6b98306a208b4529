"""Import CPTS territories from CSV rows ``cpts_name,commune_code`` (the ARS listing format).

One CPTS per distinct name (case- and accent-insensitive, like the database's unique index);
its territory is the set of its rows' communes (75056/69123/13055 expand to arrondissements).
Unknown or malformed codes are rejected with their line numbers, and the CPTS is imported with
the codes that are known. Re-importing the same file changes nothing.

With ``status="valide"`` each CPTS is validated in file order under the same rule as an ARS
decision: one that would overlap an already validated CPTS (outside arbitrations) stays
``projet`` and the conflict is reported.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import Conflict
from ..models import CITY_ARRONDISSEMENTS, Cpts
from ..services import audit
from ..services.cpts import (unique_slug, lock_territories, member_codes, store_territory,
                             sync_validated)
from ..services.overlaps import find_overlaps
from ..services.territories import CODE_RE, Territory, measure
from .csvfile import dict_reader, pick_column
from .report import ImportReport

NAME_COLUMNS = ("cpts_name", "cpts", "nom_cpts", "name")
CODE_COLUMNS = ("commune_code", "code_commune", "code_insee", "code", "insee")


class CptsFormatError(ValueError):
    pass



def _key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def read_cpts_csv(path: Path | str, report: ImportReport) -> dict[str, dict]:
    """name key → {"name", "codes": {code: first line}}; bad lines go to the report."""
    path = Path(path)
    groups: dict[str, dict] = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = dict_reader(fh)
        header = reader.fieldnames or []
        name_col, code_col = pick_column(header, NAME_COLUMNS), pick_column(header, CODE_COLUMNS)
        if not name_col or not code_col:
            raise CptsFormatError(f"{path}: columns 'cpts_name' and 'commune_code' are "
                                  f"required; found {header}")
        for line_no, row in enumerate(reader, start=2):
            name = " ".join((row.get(name_col) or "").split())
            code = (row.get(code_col) or "").strip().upper()
            if not name:
                report.reject(f"line {line_no}", "empty CPTS name", code or None)
                continue
            if not CODE_RE.match(code):
                report.reject(f"line {line_no}", f"malformed commune code {code!r}", name)
                continue
            group = groups.setdefault(_key(name), {"name": name, "codes": {}})
            for c in CITY_ARRONDISSEMENTS.get(code, [code]):
                group["codes"].setdefault(c, line_no)
            report.add("rows")
    return groups


def import_cpts_file(session: Session, path: Path | str, *, status: str = "projet",
                     settings: Settings | None = None, actor: str = "import") -> ImportReport:
    """Create or update one CPTS per name, inside the caller's transaction."""
    if status not in ("projet", "valide"):
        raise ValueError("status must be projet or valide")
    settings = settings or Settings()
    report = ImportReport(source=str(path))
    for name in ("created", "updated", "unchanged", "validated", "conflicts"):
        report.counts[name] = 0
    groups = read_cpts_csv(path, report)
    all_codes = sorted({c for g in groups.values() for c in g["codes"]})
    known = set(session.execute(text("SELECT code FROM commune WHERE code = ANY(:codes)"),
                                {"codes": all_codes}).scalars())
    if status == "valide":
        lock_territories(session)
    for group in groups.values():
        for code, line_no in sorted(group["codes"].items(), key=lambda kv: kv[1]):
            if code not in known:
                report.reject(f"line {line_no}", f"unknown commune code {code}", group["name"])
        codes = sorted(c for c in group["codes"] if c in known)
        if not codes:
            report.reject(f"CPTS {group['name']!r}", "no known commune: not imported")
            continue
        _import_one(session, group["name"], codes, status, settings, report, actor)
    return report


def _import_one(session, name, codes, status, settings, report, actor) -> None:
    territory = Territory("communes", codes=codes)
    measure(session, territory, settings)
    cpts = session.execute(text("SELECT id FROM cpts WHERE unaccent_lower(name) = "
                                "unaccent_lower(:n)"), {"n": name}).scalar()
    cpts = session.get(Cpts, cpts) if cpts is not None else None
    if cpts is None:
        cpts = Cpts(name=name, slug=unique_slug(session, name), status="projet")
        session.add(cpts)
        session.flush()
        store_territory(session, cpts, territory)
        report.add("created")
        audit.record(session, actor, "cpts.import", "cpts", cpts.id,
                     after={"name": name, "communes": codes, "status": "projet"})
    elif cpts.territory_kind != "communes" or member_codes(session, cpts.id) != codes:
        if cpts.status == "valide" and _conflicts(session, territory, cpts.id, settings, report,
                                                  name):
            return
        before = {"communes": member_codes(session, cpts.id)}
        store_territory(session, cpts, territory)
        sync_validated(session, cpts.id)
        report.add("updated")
        audit.record(session, actor, "cpts.import", "cpts", cpts.id, before=before,
                     after={"communes": codes})
    else:
        report.add("unchanged")
    if status == "valide" and cpts.status != "valide":
        if _conflicts(session, territory, cpts.id, settings, report, name):
            return
        before = cpts.status
        cpts.status = "valide"
        session.flush()
        try:
            sync_validated(session, cpts.id)
        except Conflict:
            cpts.status = before
            session.flush()
            report.add("conflicts")
            report.notes.append(f"{name}: left {before}: the database refused the validation")
            return
        report.add("validated")
        audit.record(session, actor, "cpts.decision", "cpts", cpts.id,
                     before={"status": before}, after={"status": "valide"},
                     reason="import --status valide")


def _conflicts(session, territory, cpts_id, settings, report, name) -> bool:
    overlaps = find_overlaps(session, territory, settings, self_id=cpts_id)
    blocking = [o for o in overlaps if o["cpts"]["status"] == "valide" and not o["arbitrated"]]
    for o in blocking:
        report.add("conflicts")
        report.notes.append(
            f"{name}: not validated (left projet): overlaps validated CPTS "
            f"{o['cpts']['name']!r} on {', '.join(o['shared_communes']) or 'its area'}")
    return bool(blocking)


#: Demo CPTS validated after import (all fictional; see data/demo/cpts.csv).
DEMO_VALIDATED = ("CPTS Paris 14 (fictive)", "CPTS Portes du Sud (fictive)")


def load_demo_cpts(session: Session, demo_dir: Path) -> list[str]:
    """Demo loader: the fictional CPTS of ``cpts.csv``, two of them validated; the
    Paris 14-15 project overlaps the validated Paris 14 to show a flagged overlap, 75113 and
    94041 stay uncovered (zones blanches). Idempotent."""
    report = import_cpts_file(session, demo_dir / "cpts.csv", status="projet", actor="demo")
    if not report.ok:
        raise RuntimeError("demo CPTS rejected: " + "; ".join(report.lines()))
    lines = report.lines()
    lock_territories(session)
    for name in DEMO_VALIDATED:
        cpts = session.execute(text("SELECT id FROM cpts WHERE name = :n"), {"n": name}).scalar()
        cpts = session.get(Cpts, cpts)
        if cpts.status != "valide":
            cpts.status = "valide"
            session.flush()
            sync_validated(session, cpts.id)
            audit.record(session, "demo", "cpts.decision", "cpts", cpts.id,
                         before={"status": "projet"}, after={"status": "valide"},
                         reason="données de démonstration")
            lines.append(f"validated {name}")
    return lines
