"""Maps inside site pages: service results → the maps builders' inputs → nonced HTML parts.

The builders (``mapper.maps``) make full-page maps; inside a site page only the asset links, the
map container, its data blocks and its script are kept. Folium's page-level styles (``html, body
{height: 100%}``) and its viewport meta (which forbids zooming, an RGAA failure) are dropped:
the page's own stylesheet sizes the map.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..maps import (OverlapFeature, ProfessionalMarker, TerritoryFeature, build_orientation_map,
                    build_territory_map, render_parts)
from .maps import map_head, tiles
from .security import csp_nonce


@dataclass(frozen=True)
class PageMap:
    head: Markup
    body: Markup


def _parts(m) -> PageMap:
    parts = render_parts(m, csp_nonce())
    return PageMap(Markup(map_head(parts.head)), Markup(parts.body + parts.script))


def _marker(r: dict) -> ProfessionalMarker | None:
    site = r.get("site") or {}
    if site.get("lat") is None:
        return None
    address = " ".join(x for x in (site.get("address"), site.get("postcode"),
                                   site.get("commune_name")) if x)
    slot = r.get("next_slot") or {}
    return ProfessionalMarker(
        id=r["id"], first_name=r.get("first_name") or "", last_name=r.get("last_name") or "",
        profession_code=r.get("profession") or "", profession_label=r.get("profession_label"),
        competencies=r.get("competency_labels") or r.get("competencies") or [],
        address=address or None, lat=site["lat"], lon=site["lon"], phone=r.get("phone"),
        accepts_new_patients=r.get("accepts_new_patients"),
        next_slot=slot.get("starts_at"), stale=bool(r.get("stale")),
        zone_url=f"/api/v1/professionals/{r['id']}/zones" if r.get("home_visits") else None)


def orientation_map(results: list[dict], boundary=None,
                    title: str = "Carte des professionnels de santé") -> PageMap:
    markers = [m for m in (_marker(r) for r in results) if m is not None]
    return _parts(build_orientation_map(markers, boundary, tiles(), title=title))


def report_map(report: dict) -> PageMap:
    """The checked territory and its overlaps."""
    territories = []
    if report.get("geometry"):
        territories.append(TerritoryFeature(0, "Territoire vérifié", "", "intention",
                                            report["geometry"], report.get("population")))
    overlaps = [OverlapFeature(o["geometry"], "Territoire vérifié", o["cpts"]["name"],
                               o["population_affected"], o["overlap_area_km2"],
                               o["population_method"] != "communes")
                for o in report.get("overlaps", []) if o.get("geometry")]
    return _parts(build_territory_map(territories, overlaps, tiles(),
                                      title="Territoire vérifié et chevauchements"))
