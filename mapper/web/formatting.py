"""French formatting for the page templates: numbers, dates, opening slots, and the words of
the vocabularies (from ``mapper.labels``), registered as Jinja filters and globals."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, gettext

from .. import labels
from ..http.i18n import translate
from ..maps.style import status_style
from ..reference import REGIONS

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def fr_int(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{int(round(float(value))):,}".replace(",", NBSP)


def fr_num(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{digits}f}".replace(",", NBSP).replace(".", ",")


def fr_km(value) -> str:
    """A distance or a radius in km: « 10 », « 0,5 », « 12,5 »."""
    if value is None or value == "":
        return "—"
    return fr_num(value, 0 if float(value).is_integer() else 1)


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


def _paris(value) -> datetime | None:
    at = _parse(value)
    return at.astimezone(PARIS) if at is not None and at.tzinfo is not None else at


def fr_date(value) -> str:
    at = _paris(value)
    if at is None:
        return "jamais"
    return f"{at.day} {labels.MONTH[at.month - 1]} {at.year}"


def fr_datetime(value) -> str:
    at = _paris(value)
    if at is None:
        return "—"
    return f"{fr_date(at)} à {at:%H:%M}"


def next_opening(slot: dict | None, today: date | None = None) -> str:
    """The next opening, in one wording for every list, card and widget (the maps' popups say
    the same from ``maps.texts``): « Ouvert maintenant, jusqu'à 20:00 (soins non programmés) »,
    « Prochaine ouverture : demain, 14:00–20:00 (permanence) », « … : samedi 5 décembre, … ».
    A slot is when the professional is there, not an appointment to book: never "créneau
    disponible"."""
    if not slot:
        return gettext("Pas d'horaire déclaré dans les 7 prochains jours")
    kind = translate(labels.slot_kind(slot.get("kind")))
    if slot.get("open_now"):
        return gettext("Ouvert maintenant, jusqu'à %(end)s (%(kind)s)", end=slot.get("end"),
                       kind=kind)
    today = today or datetime.now(PARIS).date()
    starts = _paris(slot.get("starts_at"))
    if starts is None:
        when = translate(labels.weekday(slot.get("weekday") or 1))
    elif starts.date() == today:
        when = gettext("aujourd'hui")
    elif (starts.date() - today).days == 1:
        when = gettext("demain")
    else:
        when = format_date(starts.date(), "EEEE d MMMM")
    return gettext("Prochaine ouverture : %(when)s, %(start)s–%(end)s (%(kind)s)", when=when,
                   start=slot.get("start"), end=slot.get("end"), kind=kind)


def area_label(region: str | None, departement: str | None) -> str:
    if departement:
        return f"département {departement}"
    if region:
        return f"région {REGIONS.get(region, region)}"
    return "France entière"


def register(state_or_app) -> None:
    env = state_or_app.jinja_env
    env.filters.update(fr_int=fr_int, fr_num=fr_num, fr_km=fr_km, fr_percent=fr_percent, fr_date=fr_date,
                       fr_datetime=fr_datetime, next_opening=next_opening,
                       cpts_status=labels.cpts_status, slot_kind=labels.slot_kind,
                       map_status=lambda code: status_style(code).label)
    env.globals.update(size_category_label=lambda c: labels.SIZE_CATEGORY.get(c, "—"),
                       area_label=area_label)
