"""Formatting for the page templates in the page's language: numbers, dates, opening slots,
and the words of the vocabularies (from ``mapper.labels``, translated through the catalogue),
registered as Jinja filters and globals. The filters keep their historical ``fr_`` names: French
is the source language; in another language they follow its locale (separators, month names)."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, get_day_names
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import format_date, gettext

from .. import labels
from ..http.i18n import page_locale, translate
from ..maps.style import status_style
from ..reference import DEPARTEMENTS, REGIONS, named

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def _localised(text: str) -> str:
    """``1,234.5`` (Python's format) with the page locale's separators."""
    group, decimal = _separators(page_locale())
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


@lru_cache(maxsize=64)
def _separators(locale) -> tuple[str, str]:
    return get_group_symbol(locale=locale), get_decimal_symbol(locale=locale)


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


def next_opening(slot: dict | None, today: date | None = None) -> str:
    """The next opening, in one wording for every list, card and widget (the maps' popups say
    the same from ``maps.texts``): « Ouvert maintenant, jusqu'à 20:00 (soins non programmés) »,
    « Prochaine ouverture : demain, 14:00–20:00 (permanence) », « … : samedi 5 décembre, … ».
    A slot is when the professional is there, not an appointment to book: never "créneau
    disponible"."""
    if not slot:
        return gettext("Pas d'horaire déclaré dans les 7 prochains jours")
    kind = _kind(slot)
    if slot.get("open_now"):
        return gettext("Ouvert maintenant, jusqu'à %(end)s (%(kind)s)", end=slot.get("end"),
                       kind=kind)
    today = today or datetime.now(PARIS).date()
    starts = _paris(slot.get("starts_at"))
    if starts is None:
        when = get_day_names("wide", locale=page_locale())[(slot.get("weekday") or 1) - 1]
    elif starts.date() == today:
        when = gettext("aujourd'hui")
    elif (starts.date() - today).days == 1:
        when = gettext("demain")
    else:
        when = gettext("%(weekday)s %(date)s", weekday=_weekday(starts.date()),
                       date=format_skeleton("MMMMd", starts.date(), locale=page_locale()))
    return gettext("Prochaine ouverture : %(when)s, %(start)s–%(end)s (%(kind)s)", when=when,
                   start=slot.get("start"), end=slot.get("end"), kind=kind)


def area_label(region: str | None, departement: str | None) -> str:
    if departement:
        return gettext("département %(name)s", name=named(departement, DEPARTEMENTS))
    if region:
        return gettext("région %(name)s", name=named(region, REGIONS))
    return gettext("France entière")


def register(state_or_app) -> None:
    env = state_or_app.jinja_env
    env.filters.update(departement_name=lambda code: named(code, DEPARTEMENTS),
                       region_name=lambda code: named(code, REGIONS), fr_int=fr_int, fr_num=fr_num, fr_km=fr_km, fr_percent=fr_percent, fr_date=fr_date,
                       fr_datetime=fr_datetime, next_opening=next_opening,
                       cpts_status=lambda code: translate(labels.cpts_status(code)),
                       conciliation_state=lambda c: translate(
                           labels.CONCILIATION_STATE.get(c or "", c or "")),
                       slot_kind=lambda code: translate(labels.slot_kind(code)),
                       map_status=lambda code: translate(status_style(code).label),
                       campaign_kind=lambda c: translate(labels.CAMPAIGN_KIND.get(c, c or "")),
                       appointment_mode=lambda c: translate(labels.APPOINTMENT_MODE.get(c, c)))
    env.globals.update(
        size_category_label=lambda c: translate(labels.SIZE_CATEGORY.get(c, "—")),
        area_label=area_label,
        place_kind_label=lambda k: translate(labels.PLACE_KIND.get(k or "", k or "")))
