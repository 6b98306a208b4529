"""The commune reference layer: GeoJSON reads, communes typed by people, unions of communes.

Paris, Lyon and Marseille are stored by arrondissement; the whole-city codes (75056, 69123,
13055) are never offered as a match for a typed name.
"""
from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..errors import NotFound, ValidationFailed
from ..messages import N_
from . import features
from .features import Layer, any_of, equals, name_or_code_prefix
from .places import CODE_RE, find_places, ranked_codes, suggestion_labels  # noqa: F401 (CODE_RE: re-exported)

MAX_ENTRIES = 2_000
#: Suggestions offered for one typed place.
OFFERED = 4
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
    """A FeatureCollection as JSON text, filtered; ordered by code, or for ``q`` with the
    communes it names first (``places.ranked_codes``: arrondissement forms, exact names,
    postcodes, prefixes, typos), then the names and codes starting with it."""
    filters = [equals("c.departement", departement), equals("c.region", region),
               any_of("c.code", codes), _named(session, q)]
    order = ("array_position(CAST(:ranked AS text[]), CAST(c.code AS text)), c.kind, "
             "length(c.name), c.name") if q else None
    return features.collection(session, COMMUNES, filters, geometry=with_geometry, order=order,
                               limit=limit)


def _named(session: Session, q: str | None) -> features.Filter | None:
    """The communes ``q`` names, or whose name (under ``place_key`` too) or code starts so."""
    prefix = name_or_code_prefix("c.name", "c.code", q)
    if prefix is None:
        return None
    ranked = ranked_codes(session, q, limit=20)
    return features.Filter(
        f"(c.code = ANY(CAST(:ranked AS text[])) OR c.name_key LIKE place_key(:q_place) "
        f"|| '%' OR {prefix.sql})", {**prefix.params, "ranked": ranked, "q_place": q.strip()})


def commune_feature(session: Session, code: str) -> str:
    """One commune as a GeoJSON Feature, as the JSON text PostgreSQL wrote."""
    body = features.feature(session, COMMUNES, [equals("c.code", code)])
    if body is None:
        raise NotFound(f"Commune inconnue : {code}.")
    return body


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


def _question(search) -> str:
    """« Voulez-vous dire « A », « B » ou « C » ? » (empty without suggestions)."""
    shown = [f"« {label} »" for label in suggestion_labels(search.suggestions)][:OFFERED]
    if not shown:
        return ""
    if len(shown) == 1:
        return N_("Voulez-vous dire %(place)s ?", place=shown[0])
    return N_("Voulez-vous dire %(places)s ou %(last)s ?", places=", ".join(shown[:-1]),
              last=shown[-1])


def _problem(search) -> str | None:
    """The field's words for a typed place that is not one commune (None when it is), as a
    message the pages translate (``mapper.messages``)."""
    if search.status == "found":
        return None
    typed, question = f"« {search.typed} »", _question(search)
    unknown = N_("Commune inconnue : %(typed)s.", typed=typed)
    if search.status == "unknown":
        return N_("%(problem)s %(question)s", problem=unknown, question=question) \
            if question else unknown
    if search.form.kind == "city":
        offered = suggestion_labels(search.suggestions)
        return N_("%(typed)s : précisez l'arrondissement (par exemple « %(example)s »).",
                  typed=typed, example=offered[0]) if offered else unknown
    if search.form.kind in ("postcode", "code"):
        return N_("Le code postal %(postcode)s couvre plusieurs communes. %(question)s",
                  postcode=search.form.postcode, question=question)
    return N_("Plusieurs communes s'appellent %(typed)s. %(question)s", typed=typed,
              question=question)


def resolve_communes(session: Session, raw: str, field: str = "communes") -> list[str]:
    """INSEE codes from a pasted list of codes, names (tolerantly: see ``services.places``),
    arrondissement forms and postcodes; 422 on the field naming every unknown or ambiguous
    entry with « Voulez-vous dire … » suggestions. An INSEE code is kept as typed (unknown
    codes are ``check_known``'s to report)."""
    entries = split_entries(raw)
    if not entries:
        raise ValidationFailed("Indiquez au moins une commune.",
                               errors={field: [
                                   "Indiquez au moins une commune (code INSEE ou nom)."]})
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed("Trop de communes.",
                               errors={field: [f"{MAX_ENTRIES} communes au plus."]})
    codes, problems = [], []
    for search in find_places(session, entries):
        if search.status == "found":
            codes.append(search.match.code)
        elif search.form.kind == "code" and not search.suggestions:
            codes.append(search.form.code)
        else:
            problems.append(_problem(search))
    if problems:
        raise ValidationFailed(" ".join(problems), errors={field: problems})
    return list(dict.fromkeys(codes))


def commune_labels(session: Session, codes) -> list[str]:
    """« Vanves (92075) » for each code (the code alone when no commune has it), in order:
    how a list of communes is shown in a form, and read back by ``resolve_communes``."""
    names = commune_names(session, codes)
    return [f"{names[c]} ({c})" if c in names else c for c in codes]


def commune_names(session: Session, codes) -> dict[str, str]:
    codes = sorted(set(codes))
    if not codes:
        return {}
    return dict(session.execute(text("SELECT code, name FROM commune WHERE code = ANY(:c)"),
                                {"c": codes}).all())
