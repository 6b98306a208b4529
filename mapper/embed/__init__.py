"""Embeddable widgets under ``/embed/``: bare maps for CPTS websites' iframes.

Only these pages may be framed, and only by the origins a CPTS configured (``embed_origins``,
defaulting to the origin of its ``website``), through CSP ``frame-ancestors``; with none the
widget cannot be framed at all. Everything else gets ``frame-ancestors 'none'`` and
``X-Frame-Options: DENY`` from ``mapper.http.security``. Registered by ``create_app``.
"""
from __future__ import annotations

from flask import Blueprint, make_response, render_template, url_for

from ..http.pagemaps import orientation_data, orientation_figure, page_map, searched
from ..http.security import content_security_policy
from ..services.territories.cpts import frame_ancestors

bp = Blueprint("embed", __name__, url_prefix="/embed")


@bp.get("/cpts/<slug>")
def cpts_widget(slug: str):
    data = orientation_data(slug)
    query = data.filters.query_string()
    page_url = url_for("maps.cpts_map", slug=data.cpts.slug)
    if query:
        page_url += "?" + query
    html = render_template("embed/cpts.html", data=data, map=page_map(orientation_figure(data, searched=searched(data))),
                           page_url=page_url)
    origins = frame_ancestors(data.cpts)
    resp = make_response(html)
    resp.headers["Content-Security-Policy"] = content_security_policy(
        " ".join(origins) if origins else "'none'")
    resp.cache_control.no_store = True
    return resp
