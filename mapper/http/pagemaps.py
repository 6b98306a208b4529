"""Folium maps inside pages and widgets, shared by the ``web`` and ``embed`` blueprints.

The builders (``mapper.maps``) make full-page maps; inside a site page only the asset links,
the map container, its data blocks and its script are kept, every inline script and style
carrying the request's CSP nonce (``maps.render.page_head`` drops Folium's viewport meta and
its full-window styles). Tiles come from the settings.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import folium
from flask import request, url_for
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.routing import BuildError

from ..config import get_settings
from ..db import get_session
from ..maps import (OverlapFeature, ProfessionalMarker, TerritoryFeature, TileConfig,
                    build_orientation_map, render_parts)
from ..maps.check import build_check_map
from ..maps.orientation import Searched
from ..maps.render import page_head
from ..maps.texts import map_texts
from ..schemas.orientation import OrientationParams
from ..services.geocoding import client_for
from ..services.pages.orientation import OrientationMap, orientation_map
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import page_language, translate, translate_profession
from .security import csp_nonce

ASSET_PREFIX = "/assets"
STATIC_PREFIX = "/static/maps"


def tiles() -> TileConfig:
    settings = get_settings()
    return TileConfig(settings.tiles_url, settings.tiles_attribution or "")


@dataclass(frozen=True)
class PageMap:
    """A map ready for a template: ``head`` in ``<head>``, ``body`` where the map goes,
    ``script`` after it (all nonced, safe to output as they are)."""

    head: Markup
    body: Markup
    script: Markup


def page_texts() -> dict[str, str]:
    """The maps' words in the visitor's language (``maps.texts``, through the catalogue)."""
    return map_texts(gettext)


#: Where a popup's "Voir la fiche" leads (the public page of a professional).
PROFILE_URL_TEMPLATE = "/professionnels/{id}"


def in_widget() -> bool:
    """Inside the iframe widget, links to the site open in a new window."""
    return request.blueprint == "embed"


def page_map(figure: folium.Map, *, full_page: bool = False) -> PageMap:
    parts = render_parts(figure, csp_nonce())
    return PageMap(Markup(page_head(parts.head, full_page=full_page)), Markup(parts.body),
                   Markup(parts.script))


def zone_url_template() -> str | None:
    """Where the browser fetches an intervention zone (the directory's GeoJSON endpoint)."""
    try:
        return url_for("professionals.zones", professional_id=0).replace("/0/", "/{id}/")
    except BuildError:  # pragma: no cover - the directory API is not mounted
        return None


def orientation_data(slug: str, page: int = 1) -> OrientationMap:
    """The orientation map of a CPTS for the page and the widget alike: the filters from the
    query string, then the one read model."""
    filters = OrientationParams.from_args(request.args)
    settings = get_settings()
    return orientation_map(get_session(), slug, filters, settings,
                           geocoder=client_for(settings) if filters.address else None,
                           zone_url_template=zone_url_template(), page=page)


def searched(data: OrientationMap) -> Searched | None:
    """The searched place of an orientation map (its address, else the visitor's position)."""
    if data.place is None:
        return None
    return (data.place[0], data.place[1], data.address_label or gettext("Position recherchée"))


def orientation_figure(data: OrientationMap, *, searched: Searched | None = None) -> folium.Map:
    """The orientation map of a CPTS; ``searched`` = (lat, lon, label) marks the searched
    address."""
    return build_orientation_map(
        translated(data.markers), boundary=data.boundary, tiles=tiles(),
        asset_prefix=ASSET_PREFIX, static_prefix=STATIC_PREFIX,
        title=gettext("Professionnels de santé — %(name)s", name=data.cpts.name),
        searched=searched, texts=page_texts(), profile_url_template=PROFILE_URL_TEMPLATE,
        new_window=in_widget())


def translated(markers) -> list[ProfessionalMarker]:
    """The markers' professions (« Médecin – gériatrie ») and competencies in the page's
    language (the labels come from the database in French): each distinct label translated
    once (5 000 members share a few dozen), nothing to do on a French page."""
    markers = list(markers)
    if page_language()["lang"] == DEFAULT_LANGUAGE:
        return markers
    professions: dict = {}
    words: dict = {}

    def profession(label):
        if label not in professions:
            professions[label] = translate_profession(label)
        return professions[label]

    def word(label):
        if label not in words:
            words[label] = translate(label)
        return words[label]

    return [replace(m, profession_label=profession(m.profession_label),
                    competencies=[word(c) for c in m.competencies or ()]) for m in markers]


def results_map(results: list[dict], boundary=None, title: str | None = None, *,
                searched: Searched | None = None) -> PageMap:
    """Directory results (search, a CPTS's members) on a map; ``searched`` = (lat, lon,
    label) marks the searched address."""
    markers = translated(m for m in (_marker(r) for r in results) if m is not None)
    return page_map(build_orientation_map(
        markers, boundary, tiles(), title=title or gettext("Carte des professionnels de santé"), searched=searched, texts=page_texts(),
        profile_url_template=PROFILE_URL_TEMPLATE, new_window=in_widget()))


def _marker(r: dict) -> ProfessionalMarker | None:
    site = r.get("site") or {}
    if site.get("lat") is None:
        return None
    address = " ".join(x for x in (site.get("address"), site.get("postcode"),
                                   site.get("commune_name")) if x)
    distance = r.get("distance_km")
    return ProfessionalMarker(
        id=r["id"], first_name=r.get("first_name") or "", last_name=r.get("last_name") or "",
        profession_code=r.get("profession") or "", profession_label=r.get("profession_label"),
        competencies=r.get("competency_labels") or r.get("competencies") or [],
        address=address or None, lat=site["lat"], lon=site["lon"], phone=r.get("phone"),
        accepts_new_patients=r.get("accepts_new_patients"),
        next_slot=r.get("next_slot") or None, stale=bool(r.get("stale")),
        zone_url=f"/api/v1/professionals/{r['id']}/zones" if r.get("home_visits") else None,
        town=site.get("commune_name") or None,
        distance_m=None if distance is None else float(distance) * 1000)


def report_map(report: dict) -> PageMap:
    """A checked territory on top (labelled), its overlaps under its outline, its neighbours."""
    checked = gettext("Territoire vérifié")
    neighbours = [TerritoryFeature(n["id"], n["name"], n["slug"], n["status"], n["geometry"],
                                   n.get("population"))
                  for n in report.get("neighbours", []) if n.get("geometry")]
    overlaps = [OverlapFeature(o["geometry"], checked, o["cpts"]["name"],
                               o["population_affected"], o["overlap_area_km2"],
                               o["population_method"] != "communes")
                for o in report.get("overlaps", []) if o.get("geometry")]
    labels = {"candidate": checked, "neighbours": gettext("CPTS voisines"),
              "overlaps": gettext("Chevauchements"), "legend": gettext("Légende")}
    return page_map(build_check_map(report.get("geometry"), neighbours, overlaps, tiles(),
                                    labels=labels, texts=page_texts(),
                                    title=gettext("Territoire vérifié et chevauchements")))
