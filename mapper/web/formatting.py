"""Formatting for the page templates in the page's language: numbers, dates, opening slots,
and the words of the vocabularies (from ``mapper.labels``, translated through the catalogue),
registered as Jinja filters and globals. The filters keep their historical ``fr_`` names: French
is the source language; in another language they follow its locale (separators, month names)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, get_day_names
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import format_date, gettext

from .. import labels
from ..http.i18n import page_locale, translate
from ..maps.style import status_style
from ..reference import REGIONS

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def _localised(text: str) -> str:
    """``1,234.5`` (Python's format) with the page locale's separators."""
    locale = page_locale()
    group, decimal = get_group_symbol(locale=locale), get_decimal_symbol(locale=locale)
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def fr_int(value) -> str:
    if value is None or value == "":
        return "—"
    return _localised(f"{int(round(float(value))):,}")


def fr_num(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return _localised(f"{float(value):,.{digits}f}")


def fr_km(value) -> str:
    """A distance or a radius in km: « 10 », « 0,5 », « 12,5 »."""
    if value is None or value == "":
        return "—"
    return fr_num(value, 0 if float(value).is_integer() else 1)


def fr_percent(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return gettext("%(n)s\u202f%%", n=fr_num(float(value) * 100, digits))


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
        return gettext("jamais")
    return format_date(at.date(), format="long")


def fr_datetime(value) -> str:
    at = _paris(value)
    if at is None:
        return "—"
    return gettext("%(date)s à %(time)s", date=fr_date(at), time=f"{at:%H:%M}")


def _weekday(day: date) -> str:
    return get_day_names("wide", locale=page_locale())[day.weekday()]


def _kind(slot: dict) -> str:
    return translate(labels.slot_kind(slot.get("kind")))


def next_slot(slot: dict | None, today: date | None = None) -> str:
    """« Ouvert maintenant jusqu'à 20:00 (…) », « Demain de 14:00 à 20:00 (…) »."""
    if not slot:
        return gettext("Aucun créneau dans les 7 prochains jours")
    kind = _kind(slot)
    if slot.get("open_now"):
        return gettext("Ouvert maintenant jusqu'à %(end)s (%(kind)s)", end=slot["end"], kind=kind)
    today = today or datetime.now(PARIS).date()
    when = get_day_names("wide", locale=page_locale())[(slot.get("weekday") or 1) - 1]
    starts = _paris(slot.get("starts_at"))
    if starts is not None:
        day = starts.date()
        if day == today:
            when = gettext("aujourd'hui")
        elif (day - today).days == 1:
            when = gettext("demain")
        else:
            when = gettext("%(weekday)s %(date)s", weekday=_weekday(day),
                           date=format_skeleton("MMMMd", day, locale=page_locale()))
    return gettext("%(when)s de %(start)s à %(end)s (%(kind)s)", when=when[:1].upper() + when[1:],
                   start=slot["start"], end=slot["end"], kind=kind)


def short_slot(slot: dict | None) -> str:
    """The next opening in the map's list: « ouvert maintenant jusqu'à 20:00 (…) » or
    « lundi 07/12 de 14:00 à 20:00 (…) »."""
    if not slot:
        return ""
    kind = _kind(slot)
    if slot.get("open_now"):
        return gettext("ouvert maintenant jusqu'à %(end)s (%(kind)s)", end=slot.get("end"),
                       kind=kind)
    start = _parse(slot.get("starts_at"))
    if start is None:
        return ""
    when = gettext("%(weekday)s %(date)s", weekday=_weekday(start.date()),
                   date=format_skeleton("ddMM", start.date(), locale=page_locale()))
    return gettext("%(when)s de %(start)s à %(end)s (%(kind)s)", when=when,
                   start=slot.get("start"), end=slot.get("end"), kind=kind)


def area_label(region: str | None, departement: str | None) -> str:
    if departement:
        return gettext("département %(code)s", code=departement)
    if region:
        return gettext("région %(name)s", name=REGIONS.get(region, region))
    return gettext("France entière")


def register(state_or_app) -> None:
    env = state_or_app.jinja_env
    env.filters.update(fr_int=fr_int, fr_num=fr_num, fr_km=fr_km, fr_percent=fr_percent, fr_date=fr_date,
                       fr_datetime=fr_datetime, next_slot=next_slot, short_slot=short_slot,
                       cpts_status=lambda code: translate(labels.cpts_status(code)),
                       slot_kind=lambda code: translate(labels.slot_kind(code)),
                       map_status=lambda code: translate(status_style(code).label))
    env.globals.update(
        size_category_label=lambda c: translate(labels.SIZE_CATEGORY.get(c, "—")),
        area_label=area_label)
