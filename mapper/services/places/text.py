"""The commune a free text names — an address typed in a search when no geocoder answers:
« 12 rue de la Paix, 75014 », « 3 avenue Jean Jaurès Villefranche sur Mer », « Paris 14e »,
« St Jeanet ».

Each part of the text (between commas) is read as a whole, then by its last words (a town
ends an address; words after « de », « la », « rue »… belong to a street name, not a town).
A postcode narrows the communes to its own. A typo is accepted only when one name is clearly
the closest (``PlaceSearch.best_guess``)."""
from __future__ import annotations

import re

from sqlalchemy.orm import Session

from . import lookup
from .forms import arrondissement
from .lookup import Place, postcode_communes

_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
MAX_WORDS = 6
#: A town's name does not follow these words (they start or link a street's name).
_STREET_WORDS = frozenset(
    "a au aux d de du des l la le les en sur sous rue r av ave avenue bd boulevard pl place "
    "chemin che route rte allee imp impasse quai cours square sq villa cite hameau lieu dit "
    "chaussee passage pas faubourg fg voie sentier".split())


def _tails(key: str) -> list[str]:
    """The last 1…6 words of a part's key that may be a town, longest first."""
    words = key.split()
    out = []
    for n in range(min(MAX_WORDS, len(words)), 0, -1):
        if n == len(words) or words[-n - 1] not in _STREET_WORDS:
            out.append(" ".join(words[-n:]))
    return out


def _street(key: str) -> bool:
    """Whether a part reads as a street (« 12 rue … », « avenue … »), not a town."""
    return not key or key[0].isdigit() or key.split()[0] in _STREET_WORDS


def _candidates(session: Session, address: str) -> tuple[list[str], list[str]]:
    """(the keys of the parts that may be a town, last first; the keys that may name the
    town, best first)."""
    parts = [p.strip() for p in re.split(r"[,;\n]", _POSTCODE.sub(" ", address)) if p.strip()]
    part_keys = lookup.keys(session, parts)
    towns = [k for k in reversed(part_keys) if not _street(k)]
    tails = [t for k in reversed(part_keys) for t in _tails(k) if not t[0].isdigit()]
    return towns, list(dict.fromkeys(towns + tails))


def place_in_text(session: Session, address: str) -> Place | None:
    """The commune the text names (an arrondissement for Paris, Lyon and Marseille); None
    when nothing does, or when homonyms remain and no postcode decides."""
    from . import dominant, find_place

    match = _POSTCODE.search(address)
    towns, keys = _candidates(session, address)
    for key in keys:
        code = arrondissement(key)
        if code:
            known = lookup.by_codes(session, [code])
            if code in known:
                return Place(code, *known[code], "arrondissement")
    exact = lookup.exact(session, keys)
    if match:
        places = postcode_communes(session, match.group(1))
        named = {p.code for hits in exact.values() for p in hits}
        chosen = [p for p in places if p.code in named] or places
        if chosen:
            return chosen[0]
    for key in keys:
        hits = exact.get(key, [])
        if hits:
            return dominant(hits)
    for town in towns:
        guess = find_place(session, town).best_guess
        if guess is not None:
            return guess
    return None
