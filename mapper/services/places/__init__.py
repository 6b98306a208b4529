"""Places typed by people — « villefranche sur mer », « St Jeannet », « Paris 14e »,
« Marseille 13 », « 06230 », « Saint-Jeanet » — found among the communes, tolerantly.

One behaviour for every field where a person types a place: the territory checker and the
zone d'intervention of /moi (``services.communes.resolve_communes``), the geocoder's offline
fallback (``place_in_text``), the commune autocomplete of the API (``ranked_codes``).

A typed place is ranked: an INSEE code or « Nom (code) »; an arrondissement form; the exact
name under ``place_key`` (accents, case, hyphens, apostrophes, St/Ste/Saint, s/ as sur); a
postcode (La Poste's file, else what the database knows); then, as suggestions only, names
starting with it and names like it (trigrams). ``PlaceSearch.status`` says whether it was
"found", "ambiguous" (homonyms, several communes for a postcode, a city without its
arrondissement) or "unknown"; ``suggestions`` are what to offer (« Voulez-vous dire … »).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from . import lookup
from .forms import CODE_RE, Form, read
from .lookup import Place, has_postcodes, postcode_communes
from .text import place_in_text

__all__ = ["CODE_RE", "Place", "PlaceSearch", "find_place", "find_places", "has_postcodes",
           "place_in_text", "postcode_communes", "ranked_codes", "suggestion_labels"]

SUGGESTIONS = 6
#: A similar name is taken for a match (where a guess is acceptable: the geocoder's fallback)
#: when it is this close and this far ahead of the next.
CONFIDENT, LEAD = 0.5, 0.06
DOMINANT = 5


@dataclass(frozen=True)
class PlaceSearch:
    typed: str
    form: Form
    status: str  # "found" | "ambiguous" | "unknown"
    match: Place | None = None
    suggestions: tuple[Place, ...] = ()

    @property
    def best_guess(self) -> Place | None:
        """Where a guess is acceptable (the geocoder's fallback): the match; else among
        homonyms the one that dwarfs the others; else a similar name clearly ahead."""
        if self.match is not None:
            return self.match
        s = self.suggestions
        if self.status == "ambiguous" and s and s[0].how == "name":
            return dominant(s)
        if s and s[0].how == "similar" and s[0].score >= CONFIDENT:
            homonyms = [p for p in s if p.name == s[0].name]
            others = [p for p in s if p.name != s[0].name]
            if not others or others[0].score <= s[0].score - LEAD:
                return dominant(homonyms)
        return None


def dominant(homonyms) -> Place | None:
    """The first of places sharing a name when it is the only one or at least ``DOMINANT``
    times as populous as the next (« St Jeannet »: the one of the Alpes-Maritimes)."""
    first, *rest = homonyms
    if not rest:
        return first
    if first.population and first.population >= DOMINANT * (rest[0].population or 0):
        return first
    return None


def _found(typed, form, place) -> PlaceSearch:
    return PlaceSearch(typed, form, "found", place, (place,))


def _among(typed, form, places: list[Place], limit: int) -> PlaceSearch:
    """One place is found; several are ambiguous; none is unknown."""
    if len(places) == 1:
        return _found(typed, form, places[0])
    return PlaceSearch(typed, form, "ambiguous" if places else "unknown",
                       suggestions=tuple(places[:limit]))


def _by_postcode(session, typed, form, limit) -> PlaceSearch:
    places = postcode_communes(session, form.postcode)
    if form.key and places:
        named = [p for p in places if p.code in {
            q.code for q in lookup.exact(session, [form.key]).get(form.key, [])}] or [
            p for p in places if p.code in {q.code for q in lookup.fuzzy(
                session, form.key, None, 50)}]
        places = named or places
    if not places and form.key:
        return _by_name(session, typed, Form("name", key=form.key), {}, limit)
    return _among(typed, form, places, limit)


def _by_name(session, typed, form, exact: dict, limit) -> PlaceSearch:
    hits = [p for p in exact.get(form.key, []) if form.departement in (None, p.departement)]
    if hits:
        return _among(typed, form, hits, limit)
    return PlaceSearch(typed, form, "unknown", suggestions=tuple(
        lookup.fuzzy(session, form.key, form.departement, limit)))


def find_places(session: Session, typed: list[str], *, limit: int = SUGGESTIONS
                ) -> list[PlaceSearch]:
    """What each typed text names, in order (one query for the codes and one for the exact
    names of the whole list; prefixes, typos and postcodes one by one)."""
    texts = [t.strip() for t in typed]
    forms = [read(t, k) for t, k in zip(texts, lookup.keys(session, texts))]
    known = lookup.by_codes(session, [f.code for f in forms if f.kind == "code"])
    exact = lookup.exact(session, [f.key for f in forms if f.kind == "name" and f.key])
    out = []
    for t, f in zip(texts, forms):
        if f.kind == "code" and f.code in known:
            name, dep = known[f.code]
            out.append(_found(t, f, Place(f.code, name, dep, f.how)))
        elif f.kind == "code" and f.postcode:
            out.append(_by_postcode(session, t, f, limit))
        elif f.kind == "code":
            out.append(PlaceSearch(t, f, "unknown"))
        elif f.kind == "city":
            out.append(PlaceSearch(t, f, "ambiguous",
                                   suggestions=tuple(lookup.city(session, f.key))))
        elif f.kind == "postcode":
            out.append(_by_postcode(session, t, f, limit))
        else:
            out.append(_by_name(session, t, f, exact, limit))
    return out


def find_place(session: Session, typed: str, *, limit: int = SUGGESTIONS) -> PlaceSearch:
    """What one typed text names (see ``find_places``)."""
    return find_places(session, [typed], limit=limit)[0]


def ranked_codes(session: Session, q: str, limit: int = 10) -> list[str]:
    """The codes of the communes ``q`` names, best first (the autocomplete's ranking)."""
    search = find_place(session, q, limit=limit)
    codes = [p.code for p in search.suggestions]
    if search.form.kind == "code" and search.form.postcode and search.status == "found":
        codes += [p.code for p in postcode_communes(session, search.form.postcode)]
    if search.form.kind == "name" and search.status != "unknown":
        codes += [p.code for p in lookup.fuzzy(session, search.form.key,
                                               search.form.departement, limit)]
    return list(dict.fromkeys(codes))[:limit]


def suggestion_labels(places) -> list[str]:
    """« Nom (département) » of each place, « Nom (code) » where that is not enough."""
    places = list(places)
    seen: dict[str, int] = {}
    for p in places:
        seen[p.label] = seen.get(p.label, 0) + 1
    return [p.label if seen[p.label] == 1 else f"{p.name} ({p.code})" for p in places]
