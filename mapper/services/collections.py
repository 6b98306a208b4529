"""The feature collections the standard APIs publish (OGC API – Features): which layer each
one is, the filters it takes, and the queries over it. Every query goes through the one GeoJSON
path (``services.features``): paging, bounding boxes, simplification and reprojection are done
by PostGIS, the same way for every collection.

Public data only: the layers are the public ones (``directory.layers``, ``CPTS``, communes).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..config import Settings
from ..messages import N_
from ..vocab import CPTS_STATUSES, FRENCH_COLLATION
from . import features
from .communes import COMMUNES
from .dataversion import data_version
from .directory.layers import PERMANENCES, PLACES, PROFESSIONALS, in_array
from .features import Filter, Layer, Output, equals
from .territories.coverage import uncovered_layer
from .territories.cpts import CPTS, in_departement
from .territories.overlap_layer import overlaps_layer

#: What a filter value may look like, per query parameter (anything else is a 400).
FILTER_PATTERNS = {
    "departement": r"(\d{2}|2[AB]|\d{3})", "region": r"\d{2}",
    "status": "|".join(CPTS_STATUSES), "profession": r"[A-Za-z0-9_-]{1,32}",
    "kind": r"[a-z_]{1,24}",
}

Built = tuple[Layer, dict, list]


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    #: (session, settings, filter values) -> the layer, its parameters and its filters.
    build: Callable[[Session, Settings, dict], Built]
    filters: tuple[str, ...]
    #: The table whose geometries bound the collection (its extent).
    extent_table: str
    #: Polygons of a whole territory: simplified unless the request says otherwise.
    polygons: bool = False
    #: Feature ids are integers (anything else is unknown: 404).
    int_ids: bool = False
    keywords: tuple[str, ...] = field(default=())


def _plain(layer: Layer, *columns: tuple[str, str]) -> Callable[..., Built]:
    def build(session, settings, values) -> Built:
        return layer, {}, [_filter(column, values.get(name)) for name, column in columns]
    return build


def _filter(column: str, value) -> Filter | None:
    if column.startswith("@"):  # an array column
        return in_array(column[1:], value)
    return equals(column, value)


def _cpts(session, settings, values) -> Built:
    order = f"k.name COLLATE {FRENCH_COLLATION}, k.id"
    return replace(CPTS, order=order), {}, [equals("k.region", values.get("region")),
                      equals("k.status", values.get("status")),
                      in_departement(values.get("departement"))]


def _uncovered(session, settings, values) -> Built:
    layer, params = uncovered_layer(values.get("departement"), values.get("region"),
                                    values.get("status"), code=values.get("_id"))
    return layer, params, []


def _overlaps(session, settings, values) -> Built:
    layer, params = overlaps_layer(session, settings, values.get("region"))
    return layer, params, []


COLLECTIONS = {c.id: c for c in (
    Collection("communes", N_("Communes"),
               N_("Communes et arrondissements (code INSEE, population)."),
               _plain(COMMUNES, ("departement", "c.departement"), ("region", "c.region")),
               ("departement", "region"), "commune", polygons=True),
    Collection("cpts", N_("CPTS"), N_("Territoires des CPTS (champs publics, statut)."), _cpts,
               ("departement", "region", "status"), "cpts", polygons=True, int_ids=True),
    Collection("overlaps", N_("Chevauchements"),
               N_("Chevauchements entre territoires de CPTS (communes partagées ou "
                  "intersection)."), _overlaps, ("region",), "cpts", polygons=True),
    Collection("zones-blanches", N_("Zones blanches"),
               N_("Communes couvertes par aucune CPTS (status : ne compter que les CPTS de "
                  "ce statut)."), _uncovered,
               ("departement", "region", "status"), "commune", polygons=True),
    Collection("professionals", N_("Professionnels"),
               N_("Professionnels de l'annuaire (champs publics) et leurs lieux d'exercice."),
               _plain(PROFESSIONALS, ("departement", "@ps.departements"),
                      ("region", "@ps.regions"), ("profession", "p.profession_code")),
               ("departement", "region", "profession"), "practice_site", int_ids=True),
    Collection("places", N_("Lieux"), N_("Lieux de santé (MSP, centres, pharmacies…)."),
               _plain(PLACES, ("departement", "c.departement"), ("region", "c.region"),
                      ("kind", "pl.kind")),
               ("departement", "region", "kind"), "place", int_ids=True),
    Collection("permanences", N_("Permanences"), N_("Permanences des campagnes publiques."),
               _plain(PERMANENCES, ("departement", "c.departement"),
                      ("region", "c.region")),
               ("departement", "region"), "place", int_ids=True),
)}


def bad_filters(collection: Collection, values: dict) -> dict[str, str]:
    """The filter values that cannot be right, by parameter."""
    return {name: f"valeur invalide : {value!r}" for name, value in values.items()
            if not re.fullmatch(FILTER_PATTERNS[name], value)}


@dataclass(frozen=True)
class Query:
    """A collection's layer with its parameters and filters, built once per request (the
    overlaps are computed when it is built)."""

    layer: Layer
    params: dict
    filters: list


def query(session: Session, settings: Settings, collection: Collection, values: dict, *,
          box: tuple | None = None, box_srid: int = 4326) -> Query:
    """The features of the collection matching the filter ``values`` and the box."""
    layer, params, filters = collection.build(session, settings, values)
    return Query(layer, params, filters + [features.bbox(layer.geometry, box, box_srid)])


def count_matching(session: Session, q: Query) -> int:
    """How many features match (numberMatched)."""
    return features.count(session, q.layer, q.filters, params=q.params)


def page(session: Session, q: Query, *, output: Output, limit: int, offset: int,
         members: dict) -> tuple[str, int]:
    """A page as FeatureCollection text (with ``members`` and ``numberReturned``), and the
    number of features in it."""
    return features.page(session, q.layer, q.filters, limit=limit, offset=offset,
                         output=output, params=q.params, members=members)


def item(session: Session, settings: Settings, collection: Collection, feature_id: str,
         output: Output) -> str | None:
    """One feature as GeoJSON text; None when the collection has no such feature."""
    if collection.int_ids and not (feature_id.isascii() and feature_id.isdigit()
                                   and len(feature_id) < 10):
        return None
    # ``_id``: the feature asked for, for layers that can compute just that one
    layer, params, filters = collection.build(session, settings, {"_id": feature_id})
    value = int(feature_id) if collection.int_ids else feature_id
    return features.feature(session, layer, [equals(layer.id, value)], params=params,
                            output=output)


def with_links(body: str, links: list[dict]) -> str:
    """One feature's text with its ``links`` (the text PostgreSQL wrote is not parsed)."""
    return features.with_members(body, {"links": links})


#: Extents by (database, table, data version): reading every outline of the communes for each
#: /collections request would be the slowest part of it. Bounded; any write makes a new key.
_EXTENTS: dict[tuple, list[float] | None] = {}


def extent(session: Session, collection: Collection) -> list[float] | None:
    """The bounding box of the collection's table (lon/lat), None when it has no geometry."""
    key = (str(session.get_bind().engine.url), collection.extent_table, data_version(session))
    if key not in _EXTENTS:
        if len(_EXTENTS) > 256:
            _EXTENTS.clear()
        row = session.execute(text(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            f"(SELECT ST_Extent(geom) AS e FROM {collection.extent_table}) x")).one()
        _EXTENTS[key] = None if row[0] is None else [round(float(v), 6) for v in row]
    return _EXTENTS[key]
