"""French formatting of numbers, dates and opening slots for the page templates."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]
SLOT_KINDS = {"snp": "soins non programmés", "vaccination": "vaccination",
              "permanence": "permanence"}
SIZE_CATEGORIES = {1: "1 (moins de 40 000 habitants)", 2: "2 (40 000 à 80 000 habitants)",
                   3: "3 (80 000 à 175 000 habitants)", 4: "4 (plus de 175 000 habitants)"}
NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def fr_int(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{int(round(float(value))):,}".replace(",", NBSP)


def fr_num(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    text = f"{float(value):,.{digits}f}".replace(",", NBSP).replace(".", ",")
    return text


def fr_percent(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return fr_num(float(value) * 100, digits) + NBSP + "%"


def _parse(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def fr_date(value) -> str:
    at = _parse(value)
    if at is None:
        return "jamais"
    if at.tzinfo is not None:
        at = at.astimezone(PARIS)
    return f"{at.day} {MONTHS[at.month - 1]} {at.year}"


def fr_datetime(value) -> str:
    at = _parse(value)
    if at is None:
        return "—"
    if at.tzinfo is not None:
        at = at.astimezone(PARIS)
    return f"{fr_date(at)} à {at:%H:%M}"


def next_slot(slot: dict | None, today: date | None = None) -> str:
    """« Ouvert maintenant jusqu'à 20:00 (…) », « Demain de 14:00 à 20:00 (…) »."""
    if not slot:
        return "Aucun créneau dans les 7 prochains jours"
    kind = SLOT_KINDS.get(slot.get("kind"), slot.get("kind") or "")
    starts = _parse(slot.get("starts_at"))
    if slot.get("open_now"):
        return f"Ouvert maintenant jusqu'à {slot['end']} ({kind})"
    today = today or datetime.now(PARIS).date()
    when = WEEKDAYS[(slot.get("weekday") or 1) - 1]
    if starts is not None:
        day = starts.astimezone(PARIS).date() if starts.tzinfo else starts.date()
        if day == today:
            when = "aujourd'hui"
        elif (day - today).days == 1:
            when = "demain"
        else:
            when = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return f"{when.capitalize()} de {slot['start']} à {slot['end']} ({kind})"


def register(state_or_app) -> None:
    env = state_or_app.jinja_env
    env.filters.update(fr_int=fr_int, fr_num=fr_num, fr_percent=fr_percent, fr_date=fr_date,
                       fr_datetime=fr_datetime, next_slot=next_slot)
    env.globals.update(size_category_label=lambda c: SIZE_CATEGORIES.get(c, "—"))
