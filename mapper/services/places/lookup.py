"""The queries behind typed places, each served by an index on ``commune.name_key`` (stored
``place_key(name)``): the btree (``text_pattern_ops``) for equality and prefixes, the trigram
GIN for typos.

Whole-city codes (75056, 69123, 13055) are never a match: their arrondissements are."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...models import CITY_ARRONDISSEMENTS

CITY_CODES = sorted(CITY_ARRONDISSEMENTS)
#: Postcode prefix of a big city → its arrondissements' code prefix: 75014 → 75114,
#: 69003 → 69383, 13008 → 13208 (when La Poste's file is not loaded).
_CITY_POSTCODES = (("750", "751"), ("6900", "6938"), ("130", "132"))


@dataclass(frozen=True)
class Place:
    """A commune (or arrondissement) found for what someone typed, and how: "code",
    "arrondissement", "name", "postcode", "prefix" or "similar" (``score``: the trigram
    similarity of the names, 1 otherwise)."""

    code: str
    name: str
    departement: str | None
    how: str
    score: float = 1.0
    population: int | None = None

    @property
    def label(self) -> str:
        """« Villefranche-sur-Mer (06) »: how the place is suggested, and typed back."""
        return f"{self.name} ({self.departement})" if self.departement else self.name


def _places(rows, how: str) -> list[Place]:
    return [Place(r.code, r.name, r.departement, how,
                  float(getattr(r, "score", 1.0) or 1.0)) for r in rows]


def keys(session: Session, texts: list[str]) -> list[str]:
    """``place_key`` of each text (the database's function, so both sides agree)."""
    if not texts:
        return []
    rows = session.execute(text("SELECT place_key(t) FROM unnest(CAST(:t AS text[])) "
                                "WITH ORDINALITY AS u(t, i) ORDER BY i"), {"t": texts})
    return [k or "" for k in rows.scalars()]


def by_codes(session: Session, codes: list[str]) -> dict[str, tuple[str, str | None]]:
    """code → (name, département) of the known communes among ``codes``."""
    if not codes:
        return {}
    rows = session.execute(text("SELECT code, name, departement FROM commune "
                                "WHERE code = ANY(:c)"), {"c": sorted(set(codes))})
    return {r.code: (r.name, r.departement) for r in rows}


_EXACT = text("""
    SELECT k.key, c.code, c.name, c.departement, c.population
    FROM unnest(CAST(:keys AS text[])) AS k(key)
    JOIN commune c ON c.name_key = k.key
    WHERE c.code <> ALL(:cities)
    ORDER BY k.key, c.population DESC NULLS LAST, c.code
""")


def exact(session: Session, wanted: list[str]) -> dict[str, list[Place]]:
    """key → the communes whose name has exactly that key (homonyms: most populous first)."""
    found: dict[str, list[Place]] = {}
    if wanted:
        for r in session.execute(_EXACT, {"keys": sorted(set(wanted)), "cities": CITY_CODES}):
            found.setdefault(r.key, []).append(Place(r.code, r.name, r.departement, "name",
                                                     population=r.population))
    return found


_FUZZY = text("""
    SELECT code, name, departement, population, score, is_prefix FROM (
      SELECT c.code, c.name, c.departement, c.population,
             c.name_key LIKE :k || '%' AS is_prefix, similarity(c.name_key, :k) AS score
      FROM commune c
      WHERE (c.name_key LIKE :k || '%' OR c.name_key % :k)
        AND c.code <> ALL(:cities) AND (CAST(:dep AS text) IS NULL OR c.departement = :dep)
    ) s
    ORDER BY is_prefix DESC, CASE WHEN is_prefix THEN 0 ELSE score END DESC,
             population DESC NULLS LAST, name, code
    LIMIT :n
""")


def fuzzy(session: Session, key: str, departement: str | None, limit: int) -> list[Place]:
    """Names starting with ``key`` (most populous first), then names like it (trigrams)."""
    if len(key) < 2:
        return []
    rows = session.execute(_FUZZY, {"k": key, "dep": departement, "cities": CITY_CODES,
                                    "n": limit}).all()
    return [Place(r.code, r.name, r.departement, "prefix" if r.is_prefix else "similar",
                  1.0 if r.is_prefix else float(r.score), r.population) for r in rows]


def city(session: Session, key: str) -> list[Place]:
    """The arrondissements of Paris, Lyon or Marseille, in order."""
    return _places(session.execute(text(
        "SELECT code, name, departement FROM commune WHERE code = ANY(:c) ORDER BY code"),
        {"c": CITY_ARRONDISSEMENTS[{"paris": "75056", "lyon": "69123",
                                    "marseille": "13055"}[key]]}), "name")


def city_code(postcode: str) -> str | None:
    """The arrondissement a Paris, Lyon or Marseille postcode names (75014 → 75114)."""
    if postcode == "75116":
        return "75116"
    for prefix, arrondissement in _CITY_POSTCODES:
        if postcode.startswith(prefix):
            candidate = arrondissement + postcode[len(prefix):]
            if any(candidate in codes for codes in CITY_ARRONDISSEMENTS.values()):
                return candidate
    return None


_POSTCODE = text("""
    WITH official AS (
      SELECT commune_code AS code, 0 AS src, commune_name = label AS main, 0 AS n
      FROM postcode WHERE code = :pc),
    known AS (
      SELECT CAST(:city AS varchar) AS code, 1 AS src, false AS main, 0 AS n
      UNION ALL
      SELECT commune_code, 2, false, count(*) FROM practice_site
      WHERE postcode = :pc AND commune_code IS NOT NULL GROUP BY commune_code
      UNION ALL
      SELECT citycode, 2, false, count(*) FROM geocode_cache
      WHERE postcode = :pc AND citycode IS NOT NULL GROUP BY citycode),
    found AS (
      SELECT * FROM official
      UNION ALL SELECT * FROM known WHERE NOT EXISTS (SELECT 1 FROM official))
    SELECT c.code, c.name, c.departement
    FROM found f JOIN commune c ON c.code = f.code
    WHERE c.code <> ALL(:cities)
    GROUP BY c.code, c.name, c.departement, c.population
    ORDER BY min(f.src), bool_or(f.main) DESC, sum(f.n) DESC, c.population DESC NULLS LAST,
             c.code
""")


def postcode_communes(session: Session, postcode: str) -> list[Place]:
    """The communes of a postcode: from La Poste's file when it knows the postcode (the
    distributing commune first), else from the arrondissement rule, the practice sites and
    the geocoder's cached answers."""
    return _places(session.execute(_POSTCODE, {"pc": postcode, "city": city_code(postcode),
                                               "cities": CITY_CODES}), "postcode")


def has_postcodes(session: Session) -> bool:
    return session.execute(text("SELECT EXISTS (SELECT 1 FROM postcode)")).scalar()
