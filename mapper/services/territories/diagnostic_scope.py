"""The territory a diagnostic is about: a CPTS, a list of communes, a département or a région,
always resolved to a set of communes (the unit populations are published for).

A commune-based CPTS is its communes plus the communes of the IRIS it holds (the diagnostic is
at commune level: a shared commune counts whole, and the answer says so); a drawn CPTS is the
communes at least half inside its drawing (as coverage counts them).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...reference import DEPARTEMENT_REGION, DEPARTEMENTS, REGIONS
from ..communes import check_known
from .cpts import get_cpts
from .territory import parse_communes

#: Every commune gets a 2SFCA index per profession; this caps the work of one request.
MAX_COMMUNES_ALL_PROFESSIONS = 1_500
MAX_COMMUNES_ONE_PROFESSION = 6_000
KINDS = ("cpts", "communes", "departement", "region")

_CPTS_CODES = """
    SELECT commune_code FROM cpts_commune WHERE cpts_id = :id
    UNION SELECT commune_code FROM cpts_iris WHERE cpts_id = :id
    UNION SELECT commune_code FROM cpts_drawn_commune WHERE cpts_id = :id AND share >= 0.5
"""


@dataclass
class Scope:
    kind: str
    key: str
    label: str
    codes: list[str]
    #: the département and région of reference (those holding most of the population)
    departement: str | None = None
    region: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "key": self.key, "label": self.label,
                "communes": len(self.codes), "departement": self.departement,
                "departement_name": DEPARTEMENTS.get(self.departement or ""),
                "region": self.region, "region_name": REGIONS.get(self.region or ""),
                "notes": self.notes}


def _given(args: dict) -> tuple[str, object]:
    given = [k for k in KINDS if args.get(k) not in (None, "", [])]
    if len(given) != 1:
        message = ("Indiquez un seul territoire : cpts, communes, departement ou region."
                   if given else "Indiquez un territoire : cpts, communes, departement ou "
                                 "region.")
        raise ValidationFailed(message, errors={(given[1] if len(given) > 1 else "communes"): [
            "un et un seul de cpts, communes, departement, region est attendu"]})
    return given[0], args[given[0]]


def _codes(session: Session, kind: str, value) -> tuple[list[str], str, list[str]]:
    notes: list[str] = []
    if kind == "cpts":
        cpts = get_cpts(session, value)
        codes = sorted(session.scalars(text(_CPTS_CODES), {"id": cpts.id}))
        if cpts.territory_kind != "communes":
            notes.append("Territoire tracé : communes dont au moins la moitié de la surface "
                         "est dans le tracé.")
        elif session.scalar(text("SELECT 1 FROM cpts_iris WHERE cpts_id = :id LIMIT 1"),
                            {"id": cpts.id}):
            notes.append("Communes partagées à l'IRIS comptées entières (diagnostic à la "
                         "commune).")
        return codes, cpts.name, notes
    if kind == "communes":
        raw = value.split(",") if isinstance(value, str) else value
        codes, _ = parse_communes([c for c in raw if str(c).strip()] or raw, "communes")
        check_known(session, codes, "communes")
        return codes, f"{len(codes)} commune(s)", notes
    column = "departement" if kind == "departement" else "region"
    codes = list(session.scalars(text(f"SELECT code FROM commune WHERE {column} = :v "
                                      "AND geom IS NOT NULL ORDER BY code"), {"v": value}))
    names = REGIONS if kind == "region" else DEPARTEMENTS
    return codes, (f"{names[value]} ({value})" if value in names else str(value)), notes


def resolve_scope(session: Session, args: dict, n_professions: int) -> Scope:
    """The territory named by ``args`` (one of cpts, communes, departement, region);
    ValidationFailed (422) naming the field when it is missing, doubled, empty or too large."""
    kind, value = _given(args)
    codes, label, notes = _codes(session, kind, value)
    if not codes:
        raise ValidationFailed("Le territoire ne contient aucune commune connue.",
                               errors={kind: ["territoire vide : aucune commune connue"]})
    cap = (MAX_COMMUNES_ONE_PROFESSION if n_professions == 1
           else MAX_COMMUNES_ALL_PROFESSIONS)
    if len(codes) > cap:
        raise ValidationFailed(
            f"Trop de communes ({len(codes)}) : au plus {cap} pour ce diagnostic.",
            errors={kind: [f"au plus {cap} communes ({MAX_COMMUNES_ONE_PROFESSION} pour une "
                           "seule profession)"]})
    dep = session.execute(text(
        "SELECT departement, region FROM commune WHERE code = ANY(:c) AND departement "
        "IS NOT NULL GROUP BY 1, 2 ORDER BY sum(coalesce(population, 0)) DESC, 1 LIMIT 1"),
        {"c": codes}).first()
    departement = dep[0] if dep else None
    region = (dep[1] if dep and dep[1] else DEPARTEMENT_REGION.get(departement or ""))
    key = ",".join(codes) if kind == "communes" else str(value)
    return Scope(kind, key, label, codes, departement, region, notes)
