"""The one set of URL parameters of patient orientation: ``/recherche``, ``/map/cpts/<slug>``
and the widget ``/embed/cpts/<slug>`` read the same query string, so a search can be shared,
bookmarked, or carried by an iframe snippet from one page to another.

French names (the old and the API-style ones are accepted as aliases):

========================  ===========================================  ========================
name                      meaning                                      aliases
========================  ===========================================  ========================
``adresse``               the patient's address (or a commune, a       ``address``
                          postcode)
``lat`` + ``lon``         "près de moi": the browser's position        ``near=lat,lon``
``profession``            one of these professions (repeatable or
                          comma-separated)
``competence``            all these competencies (repeatable)          ``competency``
``nouveaux_patients``     accepts new patients                         ``accepting_new_patients``
``ouvert``                open now                                     ``open_now``
``disponible_le``         open at a local day and time,                ``open_at``
                          ``YYYY-MM-DDTHH:MM`` (Paris time)
``domicile``              comes to my address (an intervention zone    ``covers=lat,lon``
                          covers it)
``langue``                speaks this language (ISO 639 code)          ``language``
``accessible``            accessible premises
``teleconsultation``      offers teleconsultation
``rayon``                 radius in km                                 ``radius_km``
========================  ===========================================  ========================

Flags accept 1/0, oui/non, true/false, on/off, yes/no. A wrong value is a ``ValidationFailed``
naming the French parameter (a 422 page with the message beside the field): it is never
silently ignored. That a profession or a competency exists is the services' business (schemas
know no database).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import urlencode

from ..errors import ValidationFailed
from ..messages import N_
from .fields import EARLIEST_YEAR, LATEST_YEAR

_TRUE = {"1", "true", "oui", "on", "yes", "vrai"}
_FALSE = {"0", "false", "non", "off", "no", "faux"}
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
MAX_CODES = 20
ADDRESS_MIN, ADDRESS_MAX = 3, 200
RADIUS_MIN, RADIUS_MAX = 0.5, 200.0

#: French name → the aliases accepted for it (old page names, API names).
ALIASES: dict[str, tuple[str, ...]] = {
    "adresse": ("address",),
    "profession": (),
    "competence": ("competency", "competences"),
    "nouveaux_patients": ("accepting_new_patients",),
    "ouvert": ("open_now",),
    "disponible_le": ("open_at",),
    "domicile": (),
    "langue": ("language",),
    "accessible": (),
    "teleconsultation": (),
    "rayon": ("radius_km",),
}
#: Every parameter name this module reads (pages may check for "was anything asked").
NAMES = (*ALIASES, "lat", "lon", "near", "covers",
         *(alias for aliases in ALIASES.values() for alias in aliases))


def _raw(args: Mapping, name: str) -> list[str]:
    """Every value of ``name`` and of its aliases, as sent (blank ones dropped)."""
    out: list[str] = []
    for key in (name, *ALIASES.get(name, ())):
        if hasattr(args, "getlist"):
            items = args.getlist(key)
        else:
            value = args.get(key)
            items = value if isinstance(value, list | tuple) else ([] if value is None else [value])
        out += [str(v).strip() for v in items if str(v).strip()]
    return out


def list_values(args: Mapping, name: str) -> list[str]:
    """A repeatable or comma-separated parameter (and its aliases), blanks dropped."""
    return [part.strip() for item in _raw(args, name) for part in item.split(",") if part.strip()]


class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def _flag(args: Mapping, name: str, errors: _Errors) -> bool | None:
    values = list_values(args, name)
    if not values:
        return None
    value = values[-1].lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    errors.add(name, N_("« %(value)s » n'est pas une valeur admise : oui ou non attendu "
                        "(1/0, true/false).", value=values[-1][:40]))
    return None


def _number(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _latlon(text: str) -> tuple[float, float] | None:
    parts = text.split(",")
    if len(parts) != 2:
        return None
    lat, lon = _number(parts[0]), _number(parts[1])
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _codes(args: Mapping, name: str, errors: _Errors) -> tuple[str, ...]:
    items = [v.lower() for v in list_values(args, name)]
    bad = [v for v in items if not CODE_RE.match(v)]
    if bad:
        errors.add(name, N_("Code invalide : « %(code)s ».", code=bad[0][:40]))
    elif len(items) > MAX_CODES:
        errors.add(name, N_("%(n)s valeurs au plus.", n=MAX_CODES))
    return tuple(dict.fromkeys(items))


def _address(args: Mapping, errors: _Errors) -> str | None:
    # an address keeps its commas ("2 rue X, Nice"): not a list
    address = " ".join(" ".join(v.split()) for v in _raw(args, "adresse")) or None
    if address is not None and len(address) < ADDRESS_MIN:
        errors.add("adresse", N_("Adresse trop courte : %(n)s caractères au moins.", n=ADDRESS_MIN))
    elif address is not None and len(address) > ADDRESS_MAX:
        errors.add("adresse", N_("Adresse trop longue : %(n)s caractères au plus.",
                                 n=ADDRESS_MAX))
    return address


def _position(args: Mapping, errors: _Errors) -> tuple[tuple[float, float] | None, bool]:
    """(near, covers): ``lat``+``lon`` or ``near``; ``covers=lat,lon`` (API) is a position
    plus ``domicile``."""
    lat, lon = _raw(args, "lat"), _raw(args, "lon")
    for key, covers in (("near", False), ("covers", True)):
        raw = _raw(args, key)
        if raw:
            found = _latlon(raw[-1])
            if found is None:
                errors.add(key, N_("Position invalide : attendu lat,lon (par ex. 48.83,2.32)."))
            return found, covers
    if not lat and not lon:
        return None, False
    la = _number(lat[-1]) if lat else None
    lo = _number(lon[-1]) if lon else None
    if la is None or lo is None or not (-90 <= la <= 90 and -180 <= lo <= 180):
        errors.add("adresse", N_("Position invalide : autorisez la géolocalisation ou saisissez "
                                 "une adresse."))
        return None, False
    return (la, lo), False


def _when(args: Mapping, errors: _Errors) -> datetime | None:
    raw = _raw(args, "disponible_le")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw[-1].replace(" ", "T").replace("Z", "+00:00"))
    except ValueError:
        errors.add("disponible_le", N_("Date et heure attendues (jour et heure, par ex. "
                                       "2025-03-14T15:30)."))
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        errors.add("disponible_le", N_("Année entre %(a)s et %(b)s attendue.", a=EARLIEST_YEAR,
                                       b=LATEST_YEAR))
        return None
    return value.replace(second=0, microsecond=0)


def _radius(args: Mapping, errors: _Errors) -> float | None:
    raw = _raw(args, "rayon")
    if not raw:
        return None
    value = _number(raw[-1].lower().removesuffix("km").strip())
    if value is None or not RADIUS_MIN <= value <= RADIUS_MAX:
        errors.add("rayon", N_("Rayon en km attendu, de 0,5 à 200 (par ex. 10)."))
        return None
    return value


def _language(args: Mapping, errors: _Errors) -> str | None:
    raw = _raw(args, "langue")
    if not raw:
        return None
    value = raw[-1].lower()
    if not _LANGUAGE_RE.match(value):
        errors.add("langue", N_("Code de langue ISO 639 attendu (par ex. en, ar), pas "
                                "« %(code)s ».", code=raw[-1][:40]))
        return None
    return value


@dataclass(frozen=True)
class OrientationParams:
    """What a person asks when orienting a patient, from the query string of any of the three
    pages. ``open_at`` is naive (Paris local time) from ``disponible_le``, aware from an API
    ``open_at`` with an offset."""

    address: str | None = None
    near: tuple[float, float] | None = None
    professions: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    accepting_new_patients: bool | None = None
    open_now: bool = False
    open_at: datetime | None = None
    covers_me: bool = False
    language: str | None = None
    accessible: bool | None = None
    teleconsultation: bool | None = None
    radius_km: float | None = None

    @classmethod
    def from_args(cls, args: Mapping) -> "OrientationParams":
        """Parse the query string (French names or their aliases); every wrong value raises
        one ValidationFailed naming the French parameters, with French reasons."""
        errors = _Errors()
        address = _address(args, errors)
        near, covers = _position(args, errors)
        params = cls(
            address=address, near=near,
            professions=_codes(args, "profession", errors),
            competencies=_codes(args, "competence", errors),
            accepting_new_patients=_flag(args, "nouveaux_patients", errors),
            open_now=bool(_flag(args, "ouvert", errors)),
            open_at=_when(args, errors),
            covers_me=covers or bool(_flag(args, "domicile", errors)),
            language=_language(args, errors),
            accessible=_flag(args, "accessible", errors),
            teleconsultation=_flag(args, "teleconsultation", errors),
            radius_km=_radius(args, errors),
        )
        if errors:
            raise ValidationFailed(N_("Critères de recherche invalides."), errors=dict(errors))
        return params

    @property
    def place_asked(self) -> bool:
        return self.near is not None or self.address is not None

    def query_items(self, *, without: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """The parameters under their French names, in a stable order (links, snippets);
        ``without`` leaves some names out (e.g. ``("lat", "lon")``, ``("rayon",)``)."""
        flag = {True: "1", False: "0"}
        items: list[tuple[str, str]] = []
        if self.address:
            items.append(("adresse", self.address))
        if self.near is not None:
            items += [("lat", f"{self.near[0]:.6g}"), ("lon", f"{self.near[1]:.6g}")]
        items += [("profession", p) for p in self.professions]
        items += [("competence", c) for c in self.competencies]
        if self.accepting_new_patients is not None:
            items.append(("nouveaux_patients", flag[self.accepting_new_patients]))
        if self.open_now:
            items.append(("ouvert", "1"))
        if self.open_at is not None:
            items.append(("disponible_le", self.open_at.strftime("%Y-%m-%dT%H:%M")
                          if self.open_at.tzinfo is None else self.open_at.isoformat()))
        if self.covers_me:
            items.append(("domicile", "1"))
        if self.language:
            items.append(("langue", self.language))
        for name in ("accessible", "teleconsultation"):
            if getattr(self, name) is not None:
                items.append((name, flag[getattr(self, name)]))
        if self.radius_km is not None:
            items.append(("rayon", f"{self.radius_km:g}"))
        return [(k, v) for k, v in items if k not in without]

    def query_string(self, **kwargs) -> str:
        """The parameters as a query string ('' when none), for links and the iframe snippet."""
        return urlencode(self.query_items(**kwargs))

    def replace(self, **changes) -> "OrientationParams":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return OrientationParams(**{**values, **changes})

    @property
    def active(self) -> bool:
        return bool(self.query_items())


__all__ = ["ALIASES", "NAMES", "OrientationParams"]
