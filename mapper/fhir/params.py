"""Parsing FHIR search parameters: every parameter a search does not declare, and every bad
value, is refused with the parameter's name (an ``OperationOutcome`` 400, see ``outcome``).

Paging is ``_count`` (1..MAX_COUNT, default DEFAULT_COUNT) and ``_offset`` (>= 0).
"""
from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from ..errors import ValidationFailed

DEFAULT_COUNT = 20
MAX_COUNT = 100
#: Parameters every search accepts (``_format`` only as JSON).
COMMON = ("_count", "_offset", "_format")
PARIS = ZoneInfo("Europe/Paris")


def bad(param: str, reason: str) -> ValidationFailed:
    return ValidationFailed(f"Paramètre invalide : {param} ({reason}).", errors={param: [reason]})


def check_known(args, allowed) -> None:
    """Refuse an undeclared parameter, a repeated single one, and ``_format`` other than JSON."""
    for key in args.keys():
        if key not in allowed and key not in COMMON:
            raise bad(key, "paramètre de recherche inconnu")
    fmt = args.get("_format")
    if fmt is not None and fmt not in ("json", "application/json", "application/fhir+json"):
        raise bad("_format", "seul json est servi")


def paging(args) -> tuple[int, int]:
    """(offset, count)."""
    return _int(args, "_offset", 0, 0, None), _int(args, "_count", DEFAULT_COUNT, 1, MAX_COUNT)


def _int(args, name: str, default: int, low: int, high: int | None) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad(name, "entier attendu") from None
    if value < low or (high is not None and value > high):
        raise bad(name, f"entre {low} et {high}" if high else f"au moins {low}")
    return value


def tokens(args, name: str) -> list[tuple[str | None, str]]:
    """``system|code`` tokens (comma for OR): (system or None, code)."""
    out = []
    for raw in args.getlist(name):
        for part in raw.split(","):
            system, sep, code = part.rpartition("|")
            if not code.strip():
                raise bad(name, "valeur vide")
            out.append((system if sep else None, code.strip()))
    return out


def text_value(args, name: str) -> str | None:
    raw = args.get(name)
    if raw is None:
        return None
    if not raw.strip():
        raise bad(name, "valeur vide")
    return raw.strip()


def reference_ids(args, name: str, resource: str) -> list[str] | None:
    """``Resource/id`` or ``id`` references (comma for OR), as ids."""
    if name not in args:
        return None
    out = []
    for part in ",".join(args.getlist(name)).split(","):
        kind, sep, rid = part.strip().rpartition("/")
        if (sep and kind.rsplit("/", 1)[-1] != resource) or not rid:
            raise bad(name, f"référence {resource}/<id> attendue")
        out.append(rid)
    return out


def near(args) -> tuple[tuple[float, float], float] | None:
    """``lat|lon|distance|km`` (distance and unit optional: 5 km), bounded to 100 km."""
    raw = args.get("near")
    if raw is None:
        return None
    parts = raw.split("|")
    try:
        lat, lon = float(parts[0]), float(parts[1])
        distance = float(parts[2]) if len(parts) > 2 and parts[2] else 5.0
    except (ValueError, IndexError):
        raise bad("near", "lat|lon|distance|km attendu") from None
    unit = parts[3] if len(parts) > 3 else "km"
    if len(parts) > 4 or unit not in ("km", "m"):
        raise bad("near", "unité km ou m")
    km = distance / 1000.0 if unit == "m" else distance
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not 0 < km <= 100:
        raise bad("near", "coordonnées ou distance hors bornes (distance ≤ 100 km)")
    return (lat, lon), km


def date_range(args, name: str) -> tuple[datetime | None, datetime | None]:
    """``ge``/``gt``/``le``/``lt``/``eq`` prefixed dates or instants (a date alone is midnight
    in Paris; a naive instant is Paris time)."""
    low = high = None
    for raw in args.getlist(name):
        prefix, value = (raw[:2], raw[2:]) if raw[:2].isalpha() else ("eq", raw)
        when = _instant(name, value)
        if prefix in ("ge", "gt", "sa"):
            low = when
        elif prefix in ("le", "lt", "eb"):
            high = when
        elif prefix == "eq":
            low = high = when
        else:
            raise bad(name, f"préfixe inconnu : {prefix}")
    return low, high


def _instant(name: str, value: str) -> datetime:
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d").date()
            return datetime.combine(day, time(0, 0), PARIS).astimezone(timezone.utc)
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise bad(name, "date AAAA-MM-JJ ou instant ISO 8601 attendu") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=PARIS)
    return when.astimezone(timezone.utc)


def boolean(args, name: str) -> bool | None:
    raw = args.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise bad(name, "true ou false attendu")
    return raw == "true"
