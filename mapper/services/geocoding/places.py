"""Communes the database knows, for a person typing an address while the BAN is away.

One reading of what people type for every page (``services.places``): tolerant names,
arrondissement forms, postcodes (La Poste's file, else what the database knows), « Nom (06) »;
an address ending with a commune ("12 rue de la Paix Nice") gives that commune. Each
suggestion's label is one ``locate.known_place`` reads back when the search is submitted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..places import find_place, place_in_text, suggestion_labels
from .placement import commune_point

_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


@dataclass(frozen=True)
class KnownPlace:
    code: str
    name: str
    label: str
    departement: str | None
    postcode: str | None
    lat: float | None
    lon: float | None


def known_communes(session: Session, q: str, limit: int) -> list[KnownPlace]:
    """Up to ``limit`` communes for the typed ``q``: what it names, else its suggestions, else
    the commune an address ends with."""
    search = find_place(session, q, limit=limit)
    places = ([search.match] if search.match else []) + list(search.suggestions)
    if not places:
        in_text = place_in_text(session, q)
        places = [in_text] if in_text else []
    places = list({p.code: p for p in places}.values())[:limit]
    typed_postcode = _POSTCODE.search(q)
    postcode = search.form.postcode or (typed_postcode.group(1) if typed_postcode else None)
    out = []
    for place, label in zip(places, suggestion_labels(places)):
        if postcode:
            label = f"{place.name} {postcode}"
        point = commune_point(session, place.code)
        out.append(KnownPlace(place.code, place.name, label, place.departement, postcode,
                              point[0] if point else None, point[1] if point else None))
    return out
