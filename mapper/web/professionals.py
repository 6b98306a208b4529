"""The public page of a professional (/professionnels/<id>): to share, to print, to scan.

The view calls one read model (``services.pages.professional``), draws the small map
(``maps.professional``), and turns what depends on the visitor's language into words here:
language names and weekday names from Babel's locale data (CLDR), the verification date in the
locale's long format. The QR code encodes the page's own absolute URL, drawn as inline SVG
(the ``qrcode`` library), so a printed sheet leads back to the current entry.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime

import qrcode
import qrcode.image.svg
from babel.dates import get_day_names
from flask import Blueprint, render_template
from flask_babel import format_date, gettext
from markupsafe import Markup, escape

from ..db import get_session
from ..http.i18n import language_name, page_locale
from ..http.links import external_url
from ..http.pagemaps import ASSET_PREFIX, STATIC_PREFIX, page_map, tiles
from ..maps.professional import SitePoint, build_professional_map
from ..services.directory import PARIS
from ..services.pages.professional import professional_page

bp = Blueprint("professional_pages", __name__)


def language_names(codes: list[str]) -> list[str]:
    """ISO 639 codes as names in the page's language ("fr" → "français"), in alphabetical
    order (accents aside); a code CLDR does not name is shown as given."""
    return sorted((language_name(code) for code in codes),
                  key=lambda name: unicodedata.normalize("NFKD", name).casefold())


def weekday_names() -> dict[int, str]:
    """ISO weekday (1 = Monday) → its name in the page's language, capitalised."""
    days = get_day_names("wide", locale=page_locale())
    return {i + 1: days[i][:1].upper() + days[i][1:] for i in range(7)}


def verified_on(value: str | None) -> str | None:
    if not value:
        return None
    return format_date(datetime.fromisoformat(value).astimezone(PARIS).date(), format="long")


def qr_svg(url: str, label: str) -> Markup:
    """The QR code of ``url`` as inline SVG with an accessible name (no XML prologue)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(url)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    svg = svg[svg.index("<svg"):]
    return Markup(svg.replace("<svg ", f'<svg class="qr-code" role="img" aria-label="'
                              f'{escape(label)}" ', 1))


def _map(page: dict):
    sites = [SitePoint(s["lat"], s["lon"], s["label"]) for s in page["sites"]
             if s["lat"] is not None and s["lon"] is not None]
    if not sites and not page["zone_geometry"]:
        return None
    figure = build_professional_map(
        sites, page["zone_geometry"], page["profession"], tiles(), ASSET_PREFIX,
        static_prefix=STATIC_PREFIX, profession_label=page["profession_label"],
        title=gettext("Lieux d'exercice et zone d'intervention de %(name)s",
                      name=page["display_name"]))
    return page_map(figure)


@bp.get("/professionnels/<int:professional_id>")
def professional(professional_id: int):
    page = professional_page(get_session(), professional_id)
    url = external_url("professional_pages.professional", professional_id=professional_id)
    qr = qr_svg(url, gettext("Code QR de cette fiche (%(name)s) : %(url)s",
                             name=page["display_name"], url=url))
    return render_template(
        "web/professional.html", pro=page, url=url, qr=qr, map=_map(page),
        languages=language_names(page["languages"]), weekdays=weekday_names(),
        verified=verified_on(page["last_verified_at"]))
