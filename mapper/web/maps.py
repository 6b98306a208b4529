"""Map pages (French): a CPTS's orientation map, the ARS territory map, the coverage map.

Each view parses the query string, calls one read model of ``mapper.services.pages``, builds the
Folium map with ``mapper.maps`` and renders it inside the site template next to the accessible
list of the same results.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext

from ..config import get_settings
from ..db import get_session
from ..errors import ValidationFailed
from ..http.pagemaps import (ASSET_PREFIX, STATIC_PREFIX, orientation_data, orientation_figure,
                             page_map, page_texts, searched, tiles)
from ..http.pagecache import anonymous_page
from ..http.snippets import widget_snippets
from ..maps import build_coverage_map, build_territory_map
from ..reference import REGIONS
from ..schemas.widget import WidgetOptions
from ..services.pages.coverage_map import coverage_map as coverage_read_model
from ..services.pages.territory_map import territory_map as territory_read_model
from ..services.territories.cpts import frame_ancestors
from .formatting import area_label

bp = Blueprint("maps", __name__, url_prefix="/map")


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdecimal()) or not 1 <= int(raw) <= 100_000:
        raise ValidationFailed("Numéro de page invalide.", errors={"page": ["entier positif"]})
    return int(raw)


def _area_args() -> tuple[str | None, str | None]:
    region = (request.args.get("region") or "").strip().upper() or None
    departement = (request.args.get("departement") or "").strip().upper() or None
    return region, departement


@bp.get("/cpts/<slug>")
def cpts_map(slug: str):
    return anonymous_page(("maps.cpts_map", request.full_path), lambda: _cpts_page(slug))


def _cpts_page(slug: str) -> str:
    data = orientation_data(slug, _page_number())
    items = data.filters.query_items()

    def page_link(n: int) -> str:
        return url_for("maps.cpts_map", slug=data.cpts.slug) + "?" + urlencode(
            items + [("page", str(n))]) + "#liste"

    return render_template(
        "maps/cpts.html", data=data,
        map=page_map(orientation_figure(data, searched=searched(data))),
        snippets=widget_snippets(
            data.cpts.slug, data.cpts.name, WidgetOptions(choices=data.filters.professions),
            cpts_color=data.cpts.brand_color,
            filters=[(k, v) for k, v in items if k != "profession"]),
        origins=frame_ancestors(data.cpts), page_link=page_link)


@bp.get("/territories")
def territories_map():
    return anonymous_page(("maps.territories", request.full_path), _territories_page)


def _territories_page() -> str:
    region, departement = _area_args()
    data = territory_read_model(get_session(), get_settings(), region=region,
                                departement=departement)
    area = area_label(region, departement)
    figure = build_territory_map(data.territories, data.overlaps, tiles(),
                                 asset_prefix=ASSET_PREFIX, static_prefix=STATIC_PREFIX,
                                 title=gettext("Territoires des CPTS — %(area)s", area=area),
                                 texts=page_texts(),
                                 cpts_url_template=url_for("territory_pages.cpts_page", slug="SLUG").replace(
                                     "SLUG", "{slug}"))
    return render_template("maps/territories.html", data=data, area=area,
                           map=page_map(figure), regions=sorted(REGIONS.items()))


@bp.get("/coverage")
def coverage_map():
    return anonymous_page(("maps.coverage", request.full_path), _coverage_page)


def _coverage_page() -> str:
    region, departement = _area_args()
    if not region and not departement:  # ask first: a national map is not a page
        return render_template("maps/coverage.html", data=None, map=None,
                               regions=sorted(REGIONS.items()))
    data = coverage_read_model(get_session(), departement=departement, region=region)
    area = area_label(region, departement)
    figure = build_coverage_map(data.communes, data.totals, tiles(), asset_prefix=ASSET_PREFIX,
                                static_prefix=STATIC_PREFIX, cpts_names=data.cpts_names,
                                title=gettext("Couverture par les CPTS — %(area)s", area=area))
    return render_template("maps/coverage.html", data=data, area=area, map=page_map(figure),
                           regions=sorted(REGIONS.items()))
