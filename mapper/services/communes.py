"""The commune reference layer: GeoJSON reads, communes typed by people, unions of communes.

Paris, Lyon and Marseille are stored by arrondissement; the whole-city codes (75056, 69123,
13055) are never offered as a match for a typed name.
"""
from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..errors import NotFound, ValidationFailed
from ..models import CITY_ARRONDISSEMENTS
from . import features
from .features import Layer, any_of, equals, name_or_code_prefix

CODE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
#: "Nom (12345)" as the autocomplete fills it in.
_NAMED_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d{5}|2[AB]\d{3})\)$")
MAX_ENTRIES = 2_000
#: The union of the communes ``c`` of a query, as one MultiPolygon.
UNION = "ST_Multi(ST_CollectionExtract(ST_Union(c.geom), 3))"

COMMUNES = Layer(
    source="commune c", id="c.code", geometry="c.geom", order="c.code",
    properties=(("code", "c.code"), ("nom", "c.name"), ("kind", "c.kind"),
                ("parent", "c.parent_code"), ("population", "c.population"),
                ("population_year", "c.population_year"), ("departement", "c.departement"),
                ("region", "c.region"), ("area_km2", "round(c.area_km2::numeric, 3)")))


def communes_geojson(session: Session, *, departement: str | None = None,
                     region: str | None = None, q: str | None = None,
                     codes: list[str] | None = None, with_geometry: bool = True,
                     limit: int | None = None) -> str:
    """A FeatureCollection as JSON text, filtered; ordered by code (or by name for ``q``)."""
    filters = [equals("c.departement", departement), equals("c.region", region),
               any_of("c.code", codes), name_or_code_prefix("c.name", "c.code", q)]
    order = "c.kind, length(c.name), c.name" if q else None
    return features.collection(session, COMMUNES, filters, geometry=with_geometry, order=order,
                               limit=limit)


def commune_feature(session: Session, code: str) -> dict:
    body = features.feature(session, COMMUNES, [equals("c.code", code)])
    if body is None:
        raise NotFound(f"Commune inconnue : {code}.")
    return features.loads(body)


def communes_union_geojson(session: Session, codes, precision: int = 6) -> dict | None:
    """The union of these communes as a GeoJSON MultiPolygon (None when none is known)."""
    raw = session.execute(text(
        f"SELECT ST_AsGeoJSON({UNION}, :p) FROM commune c WHERE c.code = ANY(:codes)"),
        {"codes": list(codes), "p": precision}).scalar()
    return features.loads(raw)


def geometry_geojson(session: Session, geom_hex: str, precision: int = 6) -> dict | None:
    """An EWKB (hex) geometry as GeoJSON."""
    raw = session.execute(text("SELECT ST_AsGeoJSON(ST_GeomFromEWKB(decode(:g, 'hex')), :p)"),
                          {"g": geom_hex, "p": precision}).scalar()
    return features.loads(raw)


def check_known(session: Session, codes: list[str], field: str) -> None:
    """422 on ``field`` naming the codes without a commune outline."""
    known = set(session.scalars(text("SELECT code FROM commune WHERE code = ANY(:c) "
                                     "AND geom IS NOT NULL"), {"c": list(codes)}))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(f"Commune(s) inconnue(s) : {', '.join(unknown)}.",
                               errors={field: [f"commune inconnue : {c}" for c in unknown]})


# -- communes typed by people ---------------------------------------------------------------

def split_entries(raw: str) -> list[str]:
    """One commune per line, or separated by commas or semicolons."""
    return [e.strip() for e in re.split(r"[\n;,]+", raw or "") if e.strip()]


def resolve_communes(session: Session, raw: str, field: str = "communes") -> list[str]:
    """INSEE codes from a pasted list of codes and/or names; 422 on the field, naming every
    unknown or ambiguous name (with the candidates' codes)."""
    entries = split_entries(raw)
    if not entries:
        raise ValidationFailed("Indiquez au moins une commune.",
                               errors={field: [
                                   "Indiquez au moins une commune (code INSEE ou nom)."]})
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed("Trop de communes.",
                               errors={field: [f"{MAX_ENTRIES} communes au plus."]})
    codes, names = [], []
    for entry in entries:
        match = _NAMED_CODE.match(entry)
        if match:
            entry = match.group("code")
        if CODE_RE.match(entry.upper()):
            codes.append(entry.upper())
        else:
            names.append(entry)
    problems = []
    if names:
        rows = session.execute(text("""
            SELECT n.given, c.code, c.name, c.departement
            FROM unnest(CAST(:names AS text[])) AS n(given)
            LEFT JOIN commune c ON unaccent_lower(c.name) = unaccent_lower(n.given)
                               AND c.code <> ALL(:cities)
            ORDER BY n.given, c.code"""), {"names": names,
                                                "cities": list(CITY_ARRONDISSEMENTS)}).all()
        found: dict[str, list] = {}
        for r in rows:
            found.setdefault(r.given, [])
            if r.code:
                found[r.given].append(r)
        for name in names:
            hits = found.get(name, [])
            if not hits:
                problems.append(f"Commune inconnue : « {name} ».")
            elif len(hits) > 1:
                choices = ", ".join(f"{h.code} ({h.departement})" for h in hits[:8])
                problems.append(f"Plusieurs communes s'appellent « {name} » : précisez le code "
                                f"INSEE ({choices}).")
            else:
                codes.append(hits[0].code)
    if problems:
        raise ValidationFailed(" ".join(problems), errors={field: problems})
    return list(dict.fromkeys(codes))


def commune_names(session: Session, codes) -> dict[str, str]:
    codes = sorted(set(codes))
    if not codes:
        return {}
    return dict(session.execute(text("SELECT code, name FROM commune WHERE code = ANY(:c)"),
                                {"c": codes}).all())
