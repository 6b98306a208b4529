"""Public pages of a CPTS's permanences: the list by day and the map (phone first, filter by
campaign kind, the feeds), the printable A4 poster with its QR code; and the coordinator's
page of a campaign's « zones sans permanence ». Views parse, call one read model, render."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext
from markupsafe import Markup

from ..db import get_session
from ..errors import ValidationFailed
from ..http.pagemaps import ASSET_PREFIX, STATIC_PREFIX, page_map, tiles
from ..http.permanences import (appointment_label, day_label, feed_links, hours_label,
                                kind_label, map_texts, permanence_map, place_markers,
                                public_page_url, qr_svg)
from ..http.principal import current_principal
from ..maps.permanences import GapArea, build_gap_map
from ..services.directory.campaign_gaps import DEFAULT_DISTANCE_KM, check_distance
from ..services.pages.campaign_zones import campaign_zones
from ..services.pages.permanences import check_kind, full_address, public_permanences
from ..vocab import CAMPAIGN_KINDS

bp = Blueprint("public_permanences", __name__)

#: Permanences on the poster: what fits on one A4 page under the title and the QR code.
POSTER_ITEMS = 8
#: The distances offered by the zones page (any value within the bounds works by URL).
DISTANCES = (2, 5, 10, 15, 20)

HELPERS = dict(day_label=day_label, hours_label=hours_label, kind_label=kind_label,
               appointment_label=appointment_label, full_address=full_address)


def _kind(errors: dict) -> str | None:
    try:
        return check_kind(request.args.get("type"))
    except ValidationFailed as exc:
        errors.update(exc.errors or {})
        return None


@bp.get("/cpts/<slug>/permanences")
def public_page(slug: str):
    errors: dict = {}
    kind = _kind(errors)
    data = public_permanences(get_session(), slug, kind=kind)
    html = render_template("web/permanences.html", data=data, errors=errors,
                           map=permanence_map(data), feeds=feed_links(data),
                           kinds=[(k, kind_label(k)) for k in CAMPAIGN_KINDS if k in data.kinds],
                           **HELPERS)
    return html, 422 if errors else 200


@bp.get("/cpts/<slug>/permanences/affiche")
def poster(slug: str):
    """A4 poster: the campaign (``?campagne=<slug>``, else every public one), its next
    permanences that fit, and a QR code to the public page."""
    chosen = (request.args.get("campagne") or "").strip() or None
    data = public_permanences(get_session(), slug, campaign_slug=chosen, limit=POSTER_ITEMS)
    campaign = next((c for c in data.campaigns if c.slug == chosen), None)
    url = public_page_url(data.cpts.slug)
    return render_template("web/permanences_poster.html", data=data, campaign=campaign,
                           url=url, qr=Markup(qr_svg(url)), **HELPERS)


@bp.get("/cpts/<slug>/campagnes/<campaign>/zones")
def zones(slug: str, campaign: str):
    errors: dict = {}
    try:
        distance = check_distance(request.args.get("distance_km"))
    except ValidationFailed as exc:
        errors.update(exc.errors or {})
        distance = DEFAULT_DISTANCE_KM
    data = campaign_zones(get_session(), current_principal(), slug, campaign, distance)
    gaps = [GapArea(g.code, g.name, g.population, data.geometries.get(g.code), g.nearest_km,
                    g.estimated) for g in data.gaps.communes]
    km = f"{distance:g}".replace(".", ",")
    figure = build_gap_map(
        gaps, place_markers(data), distance, tiles(), asset_prefix=ASSET_PREFIX,
        static_prefix=STATIC_PREFIX, boundary=data.boundary, texts=map_texts(),
        title=gettext("Zones sans permanence à moins de %(km)s km — %(name)s", km=km,
                      name=data.campaign.name))
    html = render_template("web/campaign_zones.html", data=data, errors=errors, km=km,
                           distance=distance, distances=DISTANCES, map=page_map(figure),
                           **HELPERS)
    return html, 422 if errors else 200


@bp.app_template_global("permanence_snippets")
def _permanence_snippets(slug: str, name: str):
    """For the CPTS page's integration section (templates/web/cpts.html)."""
    from ..http.snippets import permanence_snippets

    return permanence_snippets(slug, name)
