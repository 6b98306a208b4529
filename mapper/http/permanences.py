"""What the public permanences page, its widget, its poster and the campaign's zones page
share: the French wording of a permanence (day, hours, appointment), the places on a map, and
the addresses of the feeds (iCalendar, CSV) of the campaigns part."""
from __future__ import annotations

from datetime import date, time
from urllib.parse import quote, urlsplit, urlunsplit

from babel.dates import format_date, format_time
from flask_babel import gettext

from .. import labels
from ..maps.permanences import TEXTS, PlaceMarker, build_permanence_map
from ..services.pages.permanences import PublicPermanences
from .i18n import page_locale, translate
from .links import absolute
from .pagemaps import ASSET_PREFIX, STATIC_PREFIX, PageMap, page_map, tiles

#: Dates listed in a place's popup on the map.
POPUP_DATES = 6


def day_label(day: date) -> str:
    """« lundi 5 octobre 2026 » in the page's language."""
    return format_date(day, "full", locale=page_locale())


def hours_label(start: time, end: time) -> str:
    locale = page_locale()
    return gettext("%(start)s – %(end)s", start=format_time(start, "short", locale=locale),
                   end=format_time(end, "short", locale=locale))


def appointment_label(code: str | None) -> str:
    return translate(labels.APPOINTMENT_MODE.get(code or "", code or "")) or ""


def kind_label(code: str | None) -> str:
    return translate(labels.CAMPAIGN_KIND.get(code or "", code or "")) or ""


def map_texts() -> dict[str, str]:
    return {key: gettext(text) for key, text in TEXTS.items()}


def place_markers(data: PublicPermanences) -> list[PlaceMarker]:
    out = []
    for group in data.places:
        if group.lat is None or group.lon is None:
            continue
        when = [f"{format_date(i['on_date'], 'EEE d MMM', locale=page_locale())}, "
                f"{hours_label(i['start'], i['end'])}" for i in group.items[:POPUP_DATES]]
        if len(group.items) > POPUP_DATES:
            when.append(gettext("et %(n)s autres dates", n=len(group.items) - POPUP_DATES))
        modes = {i["appointment"] for i in group.items}
        out.append(PlaceMarker(group.name, group.address, group.lat, group.lon, when,
                               appointment_label(modes.pop()) if len(modes) == 1 else None,
                               group.phone))
    return out


def permanence_map(data: PublicPermanences) -> PageMap:
    return page_map(build_permanence_map(
        place_markers(data), tiles(), asset_prefix=ASSET_PREFIX, static_prefix=STATIC_PREFIX,
        title=gettext("Permanences — %(name)s", name=data.cpts.name), texts=map_texts(),
        empty_note=gettext("Aucune permanence à venir à afficher sur la carte.")))


def _external(path: str) -> str:
    return absolute(path)


def webcal(url: str) -> str:
    """The same feed for calendar apps: ``webcal://`` (they subscribe instead of importing)."""
    parts = urlsplit(url)
    return urlunsplit(("webcal",) + tuple(parts)[1:])


def feed_links(data: PublicPermanences) -> dict:
    """The feeds of the campaigns part (paths fixed by the issue): the CPTS's iCalendar feed,
    one per public campaign, the CSV export."""
    slug = quote(data.cpts.slug, safe="")
    ics = _external(f"/cpts/{slug}/permanences.ics")
    return {
        "ics": ics, "webcal": webcal(ics), "csv": _external(f"/cpts/{slug}/permanences.csv"),
        "campaigns": [{"name": c.name, "ics": (url := _external(
            f"/cpts/{slug}/campagnes/{quote(c.slug, safe='')}/permanences.ics")),
            "webcal": webcal(url)} for c in data.campaigns],
    }


def public_page_url(slug: str) -> str:
    return _external(f"/cpts/{quote(slug, safe='')}/permanences")


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (qrcode's path image: one ``<path>``, no script,
    no external reference)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    svg = qrcode.make(url, image_factory=SvgPathImage, border=2).to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg class="qr" aria-hidden="true" focusable="false" ', 1)
