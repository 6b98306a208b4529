"""The filters of a CPTS's orientation map and of its widget, from the query string.

The query string is the state of the map (shareable, and what the iframe snippet carries):
``profession`` and ``competency`` (repeatable or comma-separated codes),
``accepting_new_patients`` and ``open_now`` (oui/non, 1/0, true/false) and ``address``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from ..errors import ValidationFailed

_TRUE = {"1", "true", "oui", "on", "yes"}
_FALSE = {"0", "false", "non", "off", "no"}
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_CODES = 20


def _values(args: Mapping, name: str) -> list[str]:
    raw = args.getlist(name) if hasattr(args, "getlist") else (
        [args[name]] if name in args else [])
    return [part.strip() for item in raw for part in str(item).split(",") if part.strip()]


def _flag(args: Mapping, name: str) -> bool | None:
    values = _values(args, name)
    if not values:
        return None
    value = values[-1].lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationFailed(f"Valeur invalide pour {name}.",
                           errors={name: ["attendu : oui ou non (1/0, true/false)"]})


@dataclass(frozen=True)
class MapFilters:
    """The filters of the orientation map (and its widget)."""

    professions: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    accepting_new_patients: bool | None = None
    open_now: bool = False
    address: str | None = None

    @classmethod
    def from_args(cls, args: Mapping) -> "MapFilters":
        """Parse the query string; bad values raise ValidationFailed (a French 422 page)."""
        errors: dict[str, list[str]] = {}
        professions = [p.lower() for p in _values(args, "profession")]
        competencies = [c.lower() for c in _values(args, "competency")]
        for name, items in (("profession", professions), ("competency", competencies)):
            bad = [v for v in items if not _CODE_RE.match(v)]
            if bad or len(items) > MAX_CODES:
                errors[name] = ["code invalide"]
        # an address keeps its commas ("2 rue X, Nice"): not a list
        raw = args.getlist("address") if hasattr(args, "getlist") else [args.get("address", "")]
        address = " ".join(" ".join(str(v).split()) for v in raw if str(v).strip()) or None
        if address is not None and not 3 <= len(address) <= 200:
            errors["address"] = ["adresse de 3 à 200 caractères"]
        if errors:
            raise ValidationFailed("Filtres de la carte invalides.", errors=errors)
        return cls(
            professions=tuple(dict.fromkeys(professions)),
            competencies=tuple(dict.fromkeys(competencies)),
            accepting_new_patients=_flag(args, "accepting_new_patients"),
            open_now=bool(_flag(args, "open_now")),
            address=address,
        )

    def query_items(self) -> list[tuple[str, str]]:
        items = [("profession", p) for p in self.professions]
        items += [("competency", c) for c in self.competencies]
        if self.accepting_new_patients is not None:
            items.append(("accepting_new_patients", "1" if self.accepting_new_patients else "0"))
        if self.open_now:
            items.append(("open_now", "1"))
        if self.address:
            items.append(("address", self.address))
        return items

    def query_string(self) -> str:
        """The filters as a query string ('' when none), for links and the iframe snippet."""
        return urlencode(self.query_items())

    @property
    def active(self) -> bool:
        return bool(self.query_items())
