"""The permanences widget, ``/embed/cpts/<slug>/permanences``: a CPTS's upcoming public
permanences (list by day, map) for its website's iframe, under the same rules as the
orientation widget (framed only by the CPTS's origins, CSP ``frame-ancestors``; loader
``static/embed/widget.js`` with ``data-widget="permanences"``; the height posted by
``static/embed/frame.js``). A bad ``type`` is shown beside the filter (422), never an error
page (which could not be framed)."""
from __future__ import annotations

from flask import make_response, render_template, request, url_for

from ..db import get_session
from ..errors import ValidationFailed
from ..http.permanences import (appointment_label, day_label, feed_links, hours_label,
                                kind_label, permanence_map)
from ..http.security import content_security_policy
from ..schemas.colors import brand
from ..services.pages.permanences import check_kind, full_address, public_permanences
from ..services.territories.cpts import frame_ancestors
from ..vocab import CAMPAIGN_KINDS
from . import bp

#: Permanences listed in the widget; the full page lists them all.
WIDGET_LIST = 20


@bp.get("/cpts/<slug>/permanences")
def permanences_widget(slug: str):
    errors: dict = {}
    try:
        kind = check_kind(request.args.get("type"))
    except ValidationFailed as exc:
        kind, errors = None, dict(exc.errors or {})
    data = public_permanences(get_session(), slug, kind=kind, limit=WIDGET_LIST)
    origins = frame_ancestors(data.cpts)
    page_url = url_for("public_permanences.public_page", slug=data.cpts.slug)
    html = render_template(
        "embed/permanences.html", data=data, errors=errors, origins=origins,
        map=permanence_map(data), feeds=feed_links(data), page_url=page_url,
        kinds=[(k, kind_label(k)) for k in CAMPAIGN_KINDS if k in data.kinds],
        brand=brand(data.cpts.brand_color), day_label=day_label, hours_label=hours_label,
        appointment_label=appointment_label, full_address=full_address)
    resp = make_response(html, 422 if errors else 200)
    resp.headers["Content-Security-Policy"] = content_security_policy(
        " ".join(origins) if origins else "'none'")
    resp.cache_control.no_store = True
    return resp
