"""Import CPTS territories from CSV rows ``cpts_name,commune_code`` (the ARS listing format).

One CPTS per distinct name (case- and accent-insensitive, like the database's unique index);
its territory is the set of its rows' communes (75056/69123/13055 expand to arrondissements).
Unknown or malformed codes are rejected with their line numbers, and the CPTS is imported with
the codes that are known. Re-importing the same file changes nothing.

Every CPTS goes through the life cycle's use cases, as an administrator named after the import
(``create_cpts``, ``update_cpts``; with ``status="valide"``, ``decide`` in file order once all
are in): what the API would refuse — a territory overlapping a validated CPTS, a name too long
— is refused here too, and reported.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..auth import Principal
from ..config import Settings
from ..errors import Conflict, MapperError
from ..models import CITY_ARRONDISSEMENTS, Cpts
from ..services.communes import CODE_RE
from ..services.territories import create_cpts, decide, update_cpts
from ..services.territories.storage import member_codes
from ..vocab import VALIDATED_STATUSES
from .csvfile import open_csv, pick_column
from .report import FileRefused, ImportReport, cell_problem, error_reason

NAME_COLUMNS = ("cpts_name", "cpts", "nom_cpts", "name")
CODE_COLUMNS = ("commune_code", "code_commune", "code_insee", "code", "insee")


class CptsFormatError(FileRefused):
    pass


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "…"


def _key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def read_cpts_csv(path: Path | str, report: ImportReport) -> dict[str, dict]:
    """name key → {"name", "codes": {code: first line}}; bad lines go to the report."""
    path = Path(path)
    groups: dict[str, dict] = {}
    reader = open_csv(path)
    header = reader.fieldnames or []
    name_col, code_col = pick_column(header, NAME_COLUMNS), pick_column(header, CODE_COLUMNS)
    if not name_col or not code_col:
        raise CptsFormatError(f"{path}: columns 'cpts_name' and 'commune_code' are "
                              f"required; found {header}")
    for line_no, row in enumerate(reader, start=2):
        name = " ".join((row.get(name_col) or "").split())
        code = (row.get(code_col) or "").strip().upper()
        problem = cell_problem((name, code))
        if problem:
            report.reject(f"line {line_no}", problem)
            continue
        if not name:
            report.reject(f"line {line_no}", "empty CPTS name", code or None)
            continue
        if not CODE_RE.match(code):
            report.reject(f"line {line_no}", f"malformed commune code {code[:20]!r}", name)
            continue
        group = groups.setdefault(_key(name), {"name": name, "codes": {}})
        for c in CITY_ARRONDISSEMENTS.get(code, [code]):
            group["codes"].setdefault(c, line_no)
        report.add("rows")
    return groups


def import_cpts_file(session: Session, path: Path | str, *, status: str = "projet",
                     settings: Settings, actor: str = "import") -> ImportReport:
    """Create or update one CPTS per name, then (``valide``) validate them in file order,
    inside the caller's transaction."""
    if status not in ("projet", "valide"):
        raise ValueError("status must be projet or valide")
    principal = Principal.system(actor)
    report = ImportReport(source=str(path))
    for name in ("created", "updated", "unchanged", "validated", "conflicts"):
        report.counts[name] = 0
    groups = read_cpts_csv(path, report)
    all_codes = sorted({c for g in groups.values() for c in g["codes"]})
    known = set(session.execute(text("SELECT code FROM commune WHERE code = ANY(:codes)"),
                                {"codes": all_codes}).scalars())
    imported = []
    for group in groups.values():
        for code, line_no in sorted(group["codes"].items(), key=lambda kv: kv[1]):
            if code not in known:
                report.reject(f"line {line_no}", f"unknown commune code {code}", group["name"])
        codes = sorted(c for c in group["codes"] if c in known)
        if not codes:
            report.reject(f"CPTS {group['name']!r}", "no known commune: not imported")
            continue
        cpts = _upsert(session, principal, group["name"], codes, settings, report)
        if cpts is not None:
            imported.append(cpts)
    if status == "valide":
        for cpts in imported:
            validate(session, principal, cpts, settings, report, "import --status valide")
    return report


def _existing(session: Session, name: str) -> Cpts | None:
    found = session.execute(text("SELECT id FROM cpts WHERE unaccent_lower(name) = "
                                 "unaccent_lower(:n)"), {"n": name}).scalar()
    return session.get(Cpts, found) if found is not None else None


def _overlap_notes(name: str, what: str, exc: Conflict, report: ImportReport) -> None:
    blocking = [o for o in exc.extra.get("overlaps", [])
                if o["cpts"]["status"] in VALIDATED_STATUSES and not o["arbitrated"]]
    for o in blocking or [None]:
        report.add("conflicts")
        where = (f"{o['cpts']['name']!r} on {', '.join(o['shared_communes']) or 'its area'}"
                 if o else "(refused by the database)")
        report.notes.append(f"{name}: {what}: overlaps validated CPTS {where}")


def _upsert(session, principal, name, codes, settings, report) -> Cpts | None:
    """The CPTS of one name, created or given these communes; None when refused."""
    cpts = _existing(session, name)
    try:
        with session.begin_nested():
            if cpts is None:
                cpts = create_cpts(session, principal, name=name, communes=codes,
                                   settings=settings)
                report.add("created")
            elif cpts.territory_kind != "communes" or member_codes(session, cpts.id) != codes:
                update_cpts(session, principal, cpts, {"communes": codes}, settings=settings)
                report.add("updated")
            else:
                report.add("unchanged")
    except Conflict as exc:
        if cpts is None:
            report.reject(f"CPTS {_short(name)!r}", exc.detail)
            return None
        _overlap_notes(name, "territory not updated", exc, report)
    except MapperError as exc:
        report.reject(f"CPTS {_short(name)!r}", error_reason(exc))
        return None
    return cpts


def validate(session, principal, cpts: Cpts, settings, report: ImportReport,
             reason: str) -> None:
    """An ARS decision on an imported CPTS; an overlap keeps it a project, with a note."""
    if cpts.status in VALIDATED_STATUSES:
        return
    try:
        with session.begin_nested():
            decide(session, principal, cpts, "valide", reason, settings=settings)
    except Conflict as exc:
        session.expire(cpts)
        _overlap_notes(cpts.name, f"not validated (left {cpts.status})", exc, report)
        return
    report.add("validated")


#: Demo CPTS validated after import (all fictional; see data/demo/cpts.csv).
DEMO_VALIDATED = ("CPTS Paris 14 (fictive)", "CPTS Portes du Sud (fictive)")


def load_demo_cpts(session: Session, demo_dir: Path, settings: Settings) -> list[str]:
    """Demo loader: the fictional CPTS of ``cpts.csv``, two of them validated; the
    Paris 14-15 project overlaps the validated Paris 14 to show a flagged overlap, 75113 and
    94041 stay uncovered (zones blanches). Idempotent."""
    report = import_cpts_file(session, demo_dir / "cpts.csv", status="projet", actor="demo",
                              settings=settings)
    if not report.ok:
        raise RuntimeError("demo CPTS rejected: " + "; ".join(report.lines()))
    lines = report.lines()
    principal = Principal.system("demo")
    for name in DEMO_VALIDATED:
        cpts = _existing(session, name)
        if cpts.status != "valide":
            decide(session, principal, cpts, "valide", "données de démonstration",
                   settings=settings)
            lines.append(f"validated {name}")
    return lines
