"""Map pages (French): a CPTS's orientation map, the ARS territory map, the coverage map.

Each view parses the query string, calls one function of ``mapper.services.maps``, builds the
Folium map with ``mapper.maps`` and renders it inside the site template next to the accessible
list of the same results. Every inline script and style carries the request's CSP nonce.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for

from .. import get_settings
from ..db import get_session
from ..errors import ValidationFailed
from ..maps import (TileConfig, build_coverage_map, build_orientation_map, build_territory_map,
                    render_parts)
from ..reference import REGIONS
from ..services import maps as svc
from .security import csp_nonce

bp = Blueprint("maps", __name__, url_prefix="/map")

ASSET_PREFIX = "/assets"
STATIC_PREFIX = "/static/maps"


def tiles() -> TileConfig:
    settings = get_settings()
    return TileConfig(settings.tiles_url, settings.tiles_attribution or "")


def geocoder():
    from ..services.geocoding import client_for

    return client_for(get_settings())


def zone_url_template() -> str | None:
    """Where the browser fetches an intervention zone (the directory's GeoJSON endpoint)."""
    from werkzeug.routing import BuildError

    try:
        return url_for("professionals.zones", professional_id=0).replace("/0/", "/{id}/")
    except BuildError:  # pragma: no cover - the directory API is not mounted
        return None


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise ValidationFailed("Numéro de page invalide.", errors={"page": ["entier positif"]})
    return int(raw)


def _area_args() -> tuple[str | None, str | None]:
    region = (request.args.get("region") or "").strip().upper() or None
    departement = (request.args.get("departement") or "").strip().upper() or None
    return region, departement


def orientation_data(slug: str, page: int = 1) -> svc.OrientationMap:
    """Shared by the page and the widget: parse the filters, run the one service call."""
    filters = svc.MapFilters.from_args(request.args)
    return svc.orientation_map(
        get_session(), slug, filters, geocoder=geocoder() if filters.address else None,
        min_score=get_settings().ban_min_score, zone_url_template=zone_url_template(),
        page=page)


def orientation_figure(data: svc.OrientationMap):
    return build_orientation_map(
        data.markers, boundary=data.boundary, tiles=tiles(), asset_prefix=ASSET_PREFIX,
        static_prefix=STATIC_PREFIX, title=f"Professionnels de santé — {data.cpts.name}")


_META_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_PAGE_STYLE_RE = re.compile(r"<style\b[^>]*>\s*(html, body|#map)\s*\{[^}]*\}\s*</style>")


def map_head(head: str, *, full_page: bool = False) -> str:
    """Folium's head without its ``<meta>`` tags (its viewport forbids zooming, against RGAA
    10.4; the site template has its own) and, inside a site page, without the styles that
    make the map fill the whole window."""
    head = _META_RE.sub("", head)
    return head if full_page else _PAGE_STYLE_RE.sub("", head)


def snippet(url: str, title: str) -> str:
    """The copy-paste ``<iframe>`` for a CPTS website (escaped by the template)."""
    return (f'<iframe src="{html.escape(url)}" title="{html.escape(title)}" width="100%" '
            'height="600" loading="lazy" referrerpolicy="strict-origin-when-cross-origin">'
            "</iframe>")


@bp.get("/cpts/<slug>")
def cpts_map(slug: str):
    data = orientation_data(slug, _page_number())
    parts = render_parts(orientation_figure(data), csp_nonce())
    items = data.filters.query_items()
    embed_url = url_for("embed.cpts_widget", slug=data.cpts.slug, _external=True)
    if items:
        embed_url += "?" + urlencode(items)

    def page_link(n: int) -> str:
        return url_for("maps.cpts_map", slug=data.cpts.slug) + "?" + urlencode(
            items + [("page", str(n))]) + "#liste"

    return render_template(
        "maps/cpts.html", data=data, map=parts, map_head=map_head(parts.head),
        snippet=snippet(embed_url, f"Carte des professionnels de la {data.cpts.name}"),
        origins=svc.frame_ancestors(data.cpts), page_link=page_link)


@bp.get("/territories")
def territories_map():
    region, departement = _area_args()
    data = svc.territory_map(get_session(), region=region, departement=departement,
                             settings=get_settings())
    figure = build_territory_map(data.territories, data.overlaps, tiles(),
                                 asset_prefix=ASSET_PREFIX, static_prefix=STATIC_PREFIX,
                                 title=f"Territoires des CPTS — {data.area}")
    parts = render_parts(figure, csp_nonce())
    return render_template("maps/territories.html", data=data, map=parts,
                           map_head=map_head(parts.head), regions=sorted(REGIONS.items()))


@bp.get("/coverage")
def coverage_map():
    region, departement = _area_args()
    if not region and not departement:  # ask first: a national map is not a page
        return render_template("maps/coverage.html", data=None, map=None, map_head="",
                               regions=sorted(REGIONS.items()))
    data = svc.coverage_map(get_session(), departement=departement, region=region)
    figure = build_coverage_map(data.communes, data.totals, tiles(), asset_prefix=ASSET_PREFIX,
                                static_prefix=STATIC_PREFIX, cpts_names=data.cpts_names,
                                title=f"Couverture par les CPTS — {data.area}")
    parts = render_parts(figure, csp_nonce())
    return render_template("maps/coverage.html", data=data, map=parts,
                           map_head=map_head(parts.head), regions=sorted(REGIONS.items()))
