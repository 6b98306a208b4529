"""The search page (/recherche): locate what the person typed, then search the directory
within a radius.

The radius is the one asked (``rayon``), else the profession's default (``vocab``); the page
says which. Nearest first from an address or "près de moi"; when the place is only a commune or
a postcode (a BAN municipality/locality/postcode, or the database's fallback when the BAN is
unreachable) a distance to the town hall means little, so the results within the radius are
shuffled, stably for the day (``directory.search``), and the page says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...schemas.orientation import OrientationParams
from ...vocab import COARSE_PLACE_TYPES, default_radius_km, wider_radii_km
from ..directory.filters import SearchQuery
from ..directory.lookup import check_professions
from ..directory.search import search_professionals
from ..directory.slots import PARIS
from ..directory.vocabularies import competency_labels
from ..geocoding import locate


def radius_of(params: OrientationParams) -> tuple[float, bool]:
    """(radius in km, whether it is the profession's default)."""
    if params.radius_km is not None:
        return params.radius_km, False
    return default_radius_km(params.professions), True


def search_query(params: OrientationParams, near, *, limit: int | None = 20,
                 now: datetime | None = None, fair_order: str | None = None,
                 cpts_id: int | None = None) -> SearchQuery:
    """The directory query of the orientation parameters, the place being ``near``: within
    the radius (``radius_of``) unless the intervention zones decide (``domicile``)."""
    open_at = params.open_at
    if open_at is None and params.open_now:
        open_at = now or datetime.now(timezone.utc)
    radius = radius_of(params)[0] if near is not None and not params.covers_me else None
    return SearchQuery(
        near=near, covers=near if params.covers_me else None, radius_km=radius,
        professions=list(params.professions), competencies=list(params.competencies),
        accepting_new_patients=params.accepting_new_patients, open_at=open_at,
        language=params.language, accessible=params.accessible,
        teleconsultation=params.teleconsultation, limit=limit, cpts=cpts_id,
        fair_order=fair_order if radius is not None else None)


@dataclass
class Found:
    """What the search page shows above and beside its results."""

    results: list[dict]
    near: tuple[float, float] | None
    label: str | None  # the place as located ("Nice", "10 Avenue du Général Leclerc …")
    radius_km: float | None  # None: the intervention zones decide (domicile)
    radius_is_default: bool
    fair: bool  # shuffled for the day: the place is a commune or a postcode
    approximate: bool  # the database's fallback placed it (the BAN was unreachable)
    wider_radii_km: tuple[float, ...] = ()
    limit: int = 20


def find_professionals(session: Session, params: OrientationParams, *, settings, client=None,
                       limit: int = 20, now: datetime | None = None,
                       cpts_id: int | None = None) -> Found:
    """Geocode the typed address (through the cache; ``locate`` falls back to the communes the
    database knows), then ``search_professionals`` within the radius, among the members of
    ``cpts_id`` when given (a CPTS's widget). ``near`` (lat, lon) from "près de moi" wins over
    the address. Errors name the service's fields (``address``, ``competency``,
    ``profession``). The caller commits (the geocoding cache)."""
    check_professions(session, params.professions)
    near, label, coarse, approximate = params.near, None, False, False
    if near is None and params.address:
        found = locate(session, settings, params.address, client=client)
        near, label = (found.lat, found.lon), found.label
        approximate = found.source == "commune"
        coarse = approximate or found.kind in COARSE_PLACE_TYPES
    if params.covers_me and near is None:
        raise ValidationFailed("Adresse requise.", errors={"address": [
            "Indiquez votre adresse (ou « Près de moi ») pour trouver qui se déplace chez "
            "vous."]})
    day = (now or datetime.now(timezone.utc)).astimezone(PARIS).date().isoformat()
    query = search_query(params, near, limit=limit, now=now,
                         fair_order=day if coarse else None, cpts_id=cpts_id)
    results = search_professionals(session, query)
    labels = competency_labels(session)
    for r in results:
        r["competency_labels"] = [labels.get(c, c) for c in r["competencies"]]
    radius, is_default = radius_of(params)
    return Found(
        results=results, near=near, label=label,
        radius_km=query.radius_km, radius_is_default=is_default and query.radius_km is not None,
        fair=query.fair_order is not None, approximate=approximate,
        wider_radii_km=wider_radii_km(radius) if query.radius_km is not None else (),
        limit=limit)
