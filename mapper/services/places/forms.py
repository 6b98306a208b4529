"""What a typed place says, read from its text and its ``place_key`` (no database): an INSEE
code, « Nom (code) », « Nom (département) », an arrondissement of Paris, Lyon or Marseille
(« Paris 14 », « Paris 14e », « Paris XIVe », « Lyon 3e », « Marseille 13e arrondissement »,
« 14e arrondissement de Paris »), a postcode (alone or with a name), or a name."""
from __future__ import annotations

import re
from dataclasses import dataclass

CODE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_NAMED_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d{5}|2[AB]\d{3})\)$", re.I)
_NAMED_DEP = re.compile(r"^(?P<name>.+?)\s*\((?P<dep>\d{2,3}|2[AB])\)$", re.I)
_KEY_DEP = re.compile(r"^(?P<key>.+?)\s+(?:\d{2,3}|2a|2b)$")

#: The city → (its arrondissements' code prefix, how many, digits of the number).
CITIES = {"paris": ("751", 20, 2), "lyon": ("6938", 9, 1), "marseille": ("132", 16, 2)}
_NUMBER = r"(?P<n>\d{1,2}|[ivxl]{1,6})\s*(?:er|ere|eme|ieme|em|me|e)?"
_WORD = r"(?:arr|arrt|arrdt|ardt|arrond|arrondissement)"
_CITY = r"(?P<city>paris|lyon|marseille)"
_ARRONDISSEMENT = (re.compile(rf"^{_CITY}\s*{_NUMBER}(?:\s+{_WORD})?$"),
                   re.compile(rf"^{_NUMBER}\s+{_WORD}(?:\s+de)?\s+{_CITY}$"))
_POSTCODE_FIRST = re.compile(r"^(?P<pc>\d{5})(?:\s+(?P<rest>.+))?$")
_POSTCODE_LAST = re.compile(r"^(?P<rest>.+?)\s+(?P<pc>\d{5})$")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}


@dataclass(frozen=True)
class Form:
    """``kind``: "code" (``code``; ``how`` says if it came from an arrondissement form),
    "postcode" (``postcode``, and ``key`` of a name given with it), "name" (``key``, and the
    ``departement`` given in brackets), "city" (Paris, Lyon or Marseille without a number)."""

    kind: str
    key: str = ""
    code: str | None = None
    postcode: str | None = None
    departement: str | None = None
    how: str = "code"


def roman(text: str) -> int | None:
    values = [_ROMAN[c] for c in text]
    total = 0
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and v < values[i + 1] else v
    return total if total > 0 else None


def arrondissement(key: str) -> str | None:
    """The INSEE code of « Paris 14e » and its variants (from a place key), or None."""
    for pattern in _ARRONDISSEMENT:
        m = pattern.match(key)
        if m:
            raw = m.group("n")
            n = int(raw) if raw.isdigit() else roman(raw)
            prefix, count, digits = CITIES[m.group("city")]
            if n is not None and 1 <= n <= count:
                return f"{prefix}{n:0{digits}d}"
    return None


def read(typed: str, key: str) -> Form:
    """The form of one typed place, given its ``place_key``."""
    text = typed.strip()
    named = _NAMED_CODE.match(text)
    if named:
        return Form("code", code=named.group("code").upper())
    if CODE_RE.match(text.upper()):
        return Form("code", code=text.upper(), postcode=text if text.isdigit() else None)
    code = arrondissement(key)
    if code:
        return Form("code", code=code, how="arrondissement")
    if key in CITIES:
        return Form("city", key=key)
    for pattern in (_POSTCODE_FIRST, _POSTCODE_LAST):
        m = pattern.match(key)
        if m:
            return Form("postcode", key=m.group("rest") or "", postcode=m.group("pc"))
    with_dep = _NAMED_DEP.match(text)
    if with_dep:
        stripped = _KEY_DEP.match(key)
        return Form("name", key=stripped.group("key") if stripped else key,
                    departement=with_dep.group("dep").upper())
    return Form("name", key=key)
