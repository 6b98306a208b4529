"""The search page (/recherche): locate what the person typed, then search the directory."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ..directory.filters import SearchQuery
from ..directory.search import search_professionals
from ..directory.vocabularies import competency_labels
from ..geocoding import locate


def find_professionals(session: Session, *, address: str | None, near, professions,
                       competencies, accepting_new_patients: bool, open_now: bool,
                       covers_me: bool, settings, client=None, limit: int = 20) -> dict:
    """Geocode the typed address (the query text, through the cache; ``locate`` falls back to
    the communes the database knows), then ``search_professionals``. ``near`` (lat, lon) from
    "près de moi" wins over the address. Errors name the service's fields (``address``,
    ``competency``, ``profession``). The caller commits (the geocoding cache)."""
    label = None
    if near is None and address:
        found = locate(session, settings, address, client=client)
        near, label = (found.lat, found.lon), found.label
    if covers_me and near is None:
        raise ValidationFailed("Adresse requise.", errors={"address": [
            "Indiquez votre adresse (ou « Près de moi ») pour trouver qui se déplace chez "
            "vous."]})
    # "covers": zones containing the point; ``near`` still orders them by distance.
    query = SearchQuery(
        near=near, covers=near if covers_me else None,
        professions=list(professions), competencies=list(competencies),
        accepting_new_patients=True if accepting_new_patients else None,
        open_at=datetime.now(timezone.utc) if open_now else None, limit=limit)
    results = search_professionals(session, query)
    labels = competency_labels(session)
    for r in results:
        r["competency_labels"] = [labels.get(c, c) for c in r["competencies"]]
    return {"results": results, "near": near, "label": label}
