"""The shared territorial diagnostic of a territory (issue 15): population and its age
structure, supply by profession with its references, and 2SFCA accessibility per commune.

``territorial_diagnostic`` answers ``GET /api/v1/diagnostic`` and feeds the pages;
``diagnostic_csv`` and ``diagnostic_geojson`` are its downloads. Read-only.
"""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...vocab import FRENCH_COLLATION, NOT_FOR_PATIENTS
from .diagnostic_access import accessibility, method as access_method, weighted_mean
from .diagnostic_ages import age_structure
from .diagnostic_scope import resolve_scope
from .diagnostic_supply import supply

SUPPLY_METHOD = {
    "count": "professionnels ayant au moins un lieu d'exercice dans une commune du territoire "
             "(code commune INSEE du lieu) ; un professionnel compte une fois",
    "density": "professionnels pour 10 000 habitants (population municipale INSEE)",
    "france": "l'annuaire entier rapporté à la population de toutes les communes chargées",
    "population_reached_by_zones": "population des communes dont le point de population est "
                                   "dans au moins une zone d'intervention (visites à domicile) "
                                   "d'un professionnel de la profession",
}


def profession_list(session: Session, wanted: list[str] | None) -> list[dict]:
    """The professions asked (all who care for patients when ``wanted`` is empty), in French
    order; 422 naming ``profession`` for an unknown code."""
    rows = [dict(r) for r in session.execute(text(
        "SELECT code, label FROM profession "
        f"ORDER BY kind DESC, label COLLATE {FRENCH_COLLATION}, code")).mappings()]
    if not wanted:  # care supply: not the CPTS's own roles (coordinators, assistants)
        return [r for r in rows if r["code"] not in NOT_FOR_PATIENTS]
    known = {r["code"] for r in rows}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        shown = ", ".join(unknown[:10])
        raise ValidationFailed(f"Profession inconnue : {shown}.",
                               errors={"profession": [f"profession inconnue : {shown}"]})
    return [r for r in rows if r["code"] in set(wanted)]


def _communes(session: Session, codes: list[str]) -> list[dict]:
    rows = session.execute(text(
        "SELECT code, name, coalesce(population, 0) AS population, population_year "
        "FROM commune WHERE code = ANY(:c) ORDER BY code"), {"c": codes}).mappings()
    return [dict(r) for r in rows]


def territorial_diagnostic(session: Session, args: dict, professions: list[str] | None = None,
                           ) -> dict:
    """The diagnostic of the territory named by ``args`` (``cpts``, ``communes`` (codes),
    ``departement`` or ``region``: exactly one) for ``professions`` (codes; all when empty).
    Raises ValidationFailed (422) naming the field at fault."""
    profs = profession_list(session, professions)
    scope = resolve_scope(session, args, len(profs))
    codes = [p["code"] for p in profs]
    communes = _communes(session, scope.codes)
    population = sum(c["population"] for c in communes)
    years = [c["population_year"] for c in communes if c["population_year"]]
    by_prof = supply(session, scope.codes, codes, population, scope.departement, scope.region)
    sources: dict = {}
    index = accessibility(session, scope.codes, codes, sources=sources)
    pops = {c["code"]: c["population"] for c in communes}
    for p in profs:
        p.update(by_prof[p["code"]])
        mean = weighted_mean({c: v[p["code"]] for c, v in index.items()}, pops)
        p["accessibility"] = None if mean is None else round(mean, 6)
        p["accessibility_source"] = sources.get(p["code"], {}).get("source", "live")
        p["accessibility_computed_at"] = sources.get(p["code"], {}).get("computed_at")
    for c in communes:
        c["nom"] = c.pop("name")
        c.pop("population_year")
        values = index.get(c["code"])
        c["accessibility"] = ({k: round(v, 6) for k, v in values.items()}
                              if values is not None else None)
    return {"territory": {**scope.as_dict(), "population": population,
                          "population_year": max(years) if years else None},
            "professions": profs, "communes": communes,
            "ages": age_structure(session, scope.codes),
            "method": {"supply": SUPPLY_METHOD, "accessibility": access_method()}}


CSV_COLUMNS = ("niveau", "code", "nom", "population", "profession", "libelle_profession",
               "professionnels", "densite_10000", "densite_departement", "densite_region",
               "densite_france", "part_nouveaux_patients", "population_zones_intervention",
               "indice_2sfca_10000")


def _fr(value) -> str:
    """A number as a French spreadsheet reads it (decimal comma)."""
    if value is None:
        return ""
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def diagnostic_csv(result: dict) -> str:
    """One line per profession for the territory, then one per commune and profession."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    t = result["territory"]
    for p in result["professions"]:
        writer.writerow([_fr(v) for v in (
            "territoire", t["key"], t["label"], t["population"], p["code"], p["label"],
            p["count"], p["density"], p["density_departement"], p["density_region"],
            p["density_france"], p["accepting_share"], p["population_reached_by_zones"],
            p["accessibility"])])
    for c in result["communes"]:
        for p in result["professions"]:
            value = (c["accessibility"] or {}).get(p["code"])
            writer.writerow([_fr(v) for v in (
                "commune", c["code"], c["nom"], c["population"], p["code"], p["label"],
                "", "", "", "", "", "", "", value)])
    return out.getvalue()


def diagnostic_geojson(session: Session, result: dict, precision: int = 5) -> dict:
    """The territory's communes with their index per profession (``indice_<code>``), RFC 7946."""
    codes = [c["code"] for c in result["communes"]]
    shapes = dict(session.execute(text(
        "SELECT code, ST_AsGeoJSON(geom, :p) FROM commune WHERE code = ANY(:c)"),
        {"c": codes, "p": precision}).all())
    features = []
    for c in result["communes"]:
        props = {"code": c["code"], "nom": c["nom"], "population": c["population"]}
        props.update({f"indice_{k}": v for k, v in (c["accessibility"] or {}).items()})
        raw = shapes.get(c["code"])
        features.append({"type": "Feature", "id": c["code"],
                         "geometry": json.loads(raw) if raw else None, "properties": props})
    return {"type": "FeatureCollection", "features": features}
