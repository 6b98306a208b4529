"""Communes the database knows, for a person typing an address while the BAN is away.

Two sources, each behind one function so that a better one can replace it: a postcode in the
text goes through ``locate.postcode_communes``; names go through the commune search of the API
(``services.communes.communes_geojson``, the start of the name). The text is tried whole, then
what follows the postcode, then its last words ("12 rue de la Paix Nice" → "Nice").

A name several communes share is labelled with its département, "Saint-Martin (06)", a form
``locate.known_place`` reads back when the search is submitted.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...models import CITY_ARRONDISSEMENTS
from ..communes import communes_geojson
from .locate import postcode_communes
from .placement import commune_point

_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class KnownPlace:
    code: str
    name: str
    label: str
    departement: str | None
    postcode: str | None
    lat: float | None
    lon: float | None


def name_search(session: Session, name: str, limit: int) -> list[dict]:
    """Communes whose name starts with ``name`` (the API's search): code, nom, departement."""
    body = json.loads(communes_geojson(session, q=name, with_geometry=False, limit=limit + 3))
    return [f["properties"] for f in body["features"]
            if f["properties"]["code"] not in CITY_ARRONDISSEMENTS]


def _name_candidates(q: str) -> list[str]:
    """The text without its postcode, what follows the postcode, then its last 3, 2, 1 words."""
    match = _POSTCODE.search(q)
    whole = " ".join(_POSTCODE.sub(" ", q).split())
    after = " ".join(q[match.end():].split()) if match else ""
    words = _WORD.findall(whole)
    tails = [" ".join(words[-n:]) for n in (3, 2, 1) if len(words) > n]
    out = [c for c in [whole, after, *tails] if len(c) >= 2]
    return list(dict.fromkeys(out))


def _shared_names(session: Session, names: list[str]) -> set[str]:
    rows = session.execute(text("""
        SELECT unaccent_lower(name) FROM commune
        WHERE unaccent_lower(name) = ANY(SELECT unaccent_lower(n) FROM unnest(CAST(:n AS text[])) n)
          AND code <> ALL(:cities)
        GROUP BY 1 HAVING count(*) > 1"""), {"n": names, "cities": list(CITY_ARRONDISSEMENTS)})
    return set(rows.scalars())


def _commune(session: Session, code: str) -> dict | None:
    row = session.execute(text("SELECT code, name AS nom, departement FROM commune "
                               "WHERE code = :c"), {"c": code}).mappings().first()
    return dict(row) if row else None


def known_communes(session: Session, q: str, limit: int) -> list[KnownPlace]:
    """Up to ``limit`` communes for the typed ``q``: the postcode's first, then by name."""
    found: dict[str, tuple[dict, str | None]] = {}
    match = _POSTCODE.search(q)
    if match:
        for code in postcode_communes(session, match.group(1)):
            props = _commune(session, code)
            if props:
                found.setdefault(code, (props, match.group(1)))
    if not found:
        for candidate in _name_candidates(q):
            for props in name_search(session, candidate, limit):
                found.setdefault(props["code"], (props, None))
            if found:
                break
    chosen = list(found.values())[:limit]
    shared = _shared_names(session, [p["nom"] for p, _ in chosen])
    places = []
    for props, postcode in chosen:
        name, dep = props["nom"], props.get("departement")
        if postcode:
            label = f"{name} {postcode}"
        elif dep and _lower(session, name) in shared:
            label = f"{name} ({dep})"
        else:
            label = name
        point = commune_point(session, props["code"])
        places.append(KnownPlace(props["code"], name, label, dep, postcode,
                                 point[0] if point else None, point[1] if point else None))
    return places


def _lower(session: Session, name: str) -> str:
    return session.scalar(text("SELECT unaccent_lower(:n)"), {"n": name})
