"""Normalised address keys, so the geocoding cache hits whatever the spelling of the input.

"12, Rue de l'Église" and "12 rue de l eglise" are the same address to the BAN; they must be the
same cache key. Accents are stripped (the BAN ignores them too), case folded, punctuation turned
into spaces and whitespace collapsed. Postcode and commune code are part of the key because the
same street text names different places in different communes.
"""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_NON_WORD = re.compile(r"[\W_]+")


def normalise_text(text: str | None) -> str:
    """Lowercase, accent-free, punctuation-free, single-spaced text."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalise_address(address: str | None, postcode: str | None = None, citycode: str | None = None) -> str:
    """Cache key ``"<address>|<postcode>|<citycode>"`` with the address normalised."""
    return "|".join(
        (normalise_text(address), (postcode or "").strip(), (citycode or "").strip().upper())
    )
