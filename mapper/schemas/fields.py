"""Fields and validators shared by the schemas: codes, coordinates, clock times, lists."""
from __future__ import annotations

import re
from datetime import time

from marshmallow import ValidationError, fields

from ..messages import N_
from .base import between, length, matches

INSEE_CODE = r"^(\d{5}|2[AB]\d{3})$"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: ``scheme://host[:port]`` as CSP frame-ancestors accepts it, nothing else (no ; , spaces).
ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


def departement() -> object:
    return matches(r"^(\d{2}|2[AB]|9[78]\d)$", "code département attendu (75, 2A, 974…)")


def region() -> object:
    return matches(r"^\d{2}$", "code région à deux chiffres attendu")


def insee_code() -> object:
    return matches(INSEE_CODE, "code INSEE à 5 caractères attendu")


class Boolean(fields.Boolean):
    """true/false, or the words of a form, a query string or a CSV cell (« oui », "on",
    "1"…), never a number: ``0`` in a JSON body is a type error, not « non »."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class LatLon(fields.Field):
    """``"48.83,2.32"`` (lat,lon) → (48.83, 2.32), checked against the globe's ranges."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            lat_s, lon_s = str(value).split(",")
            lat, lon = float(lat_s), float(lon_s)
        except ValueError:
            raise ValidationError("attendu : lat,lon (par ex. 48.83,2.32)") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError("lat entre -90 et 90, lon entre -180 et 180")
        return (lat, lon)


class ClockTime(fields.Field):
    """``"HH:MM"``; ``"24:00"`` is midnight at the end of the day (stored 00:00, wrapping)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0, tzinfo=None)
        text = str(value).strip()
        if text in ("24:00", "24:00:00"):
            return time(0, 0)
        try:
            parsed = time.fromisoformat(text)
        except ValueError:
            raise ValidationError("heure attendue au format HH:MM") from None
        return parsed.replace(second=0, microsecond=0, tzinfo=None)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")


class CsvList(fields.List):
    """A repeatable query parameter that also accepts comma-separated values. The list's bounds
    hold for the parameters as sent (``maxItems`` in the document) and for the values once split
    (blank ones dropped)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [value]
        self._validate(list(value))
        flat = [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return super()._deserialize(flat, attr, data, **kwargs)


#: The largest value of a PostgreSQL ``integer`` (identifiers, counts, populations).
INT4_MAX = 2_147_483_647
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why PostgreSQL could not store this text (a NUL byte, a lone UTF-16 surrogate), or None."""
    if "\x00" in text:
        return "caractère nul (\\u0000) interdit"
    if _SURROGATE.search(text):
        return "caractère Unicode invalide (moitié de paire UTF-16)"
    return None


class Number(fields.Float):
    """A float that refuses what does not fit one (an integer of hundreds of digits) with a
    reason instead of an OverflowError."""

    def _validated(self, value):
        try:
            return super()._validated(value)
        except OverflowError:
            raise self.make_error("special") from None


class Id(fields.Integer):
    """An identifier: a positive integer a PostgreSQL ``integer`` column holds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", between(1, INT4_MAX))
        kwargs.setdefault("strict", True)
        super().__init__(**kwargs)


#: Dates people mean: neither year 1 nor 9999 (the Paris time zone and PostgreSQL both handle
#: them, but no schedule or confirmation is that far).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def plausible_date(value) -> bool:
    year = value.year
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(N_("année entre %(min)s et %(max)s attendue", min=EARLIEST_YEAR,
                                 max=LATEST_YEAR))
    return True


def column_length(column) -> object:
    """The length a ``String(n)`` column holds, as a validator (one source: the model)."""
    return length(max=column.type.length)
