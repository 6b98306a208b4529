"""The search page (/recherche): locate what the person typed, then search the directory."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...schemas.orientation import OrientationParams
from ..directory.filters import SearchQuery
from ..directory.lookup import check_professions
from ..directory.search import search_professionals
from ..directory.vocabularies import competency_labels
from ..geocoding import locate


def search_query(params: OrientationParams, near, *, limit: int | None = 20,
                 now: datetime | None = None) -> SearchQuery:
    """The directory query of the orientation parameters, the place being ``near``."""
    open_at = params.open_at
    if open_at is None and params.open_now:
        open_at = now or datetime.now(timezone.utc)
    return SearchQuery(
        near=near, covers=near if params.covers_me else None,
        radius_km=params.radius_km if near is not None else None,
        professions=list(params.professions), competencies=list(params.competencies),
        accepting_new_patients=params.accepting_new_patients, open_at=open_at,
        language=params.language, accessible=params.accessible,
        teleconsultation=params.teleconsultation, limit=limit)


def find_professionals(session: Session, params: OrientationParams, *, settings, client=None,
                       limit: int = 20) -> dict:
    """Geocode the typed address (the query text, through the cache; ``locate`` falls back to
    the communes the database knows), then ``search_professionals``. ``near`` (lat, lon) from
    "près de moi" wins over the address. Errors name the service's fields (``address``,
    ``competency``, ``profession``). The caller commits (the geocoding cache)."""
    check_professions(session, params.professions)
    near, label = params.near, None
    if near is None and params.address:
        found = locate(session, settings, params.address, client=client)
        near, label = (found.lat, found.lon), found.label
    if params.covers_me and near is None:
        raise ValidationFailed("Adresse requise.", errors={"address": [
            "Indiquez votre adresse (ou « Près de moi ») pour trouver qui se déplace chez "
            "vous."]})
    results = search_professionals(session, search_query(params, near, limit=limit))
    labels = competency_labels(session)
    for r in results:
        r["competency_labels"] = [labels.get(c, c) for c in r["competencies"]]
    return {"results": results, "near": near, "label": label}
