"""Embeddable widgets under ``/embed/``: bare maps for CPTS websites' iframes.

Only these pages may be framed, and only by the origins a CPTS configured (``embed_origins``,
defaulting to the origin of its ``website``), through CSP ``frame-ancestors``; with none the
widget cannot be framed at all. Everything else gets ``frame-ancestors 'none'`` and
``X-Frame-Options: DENY`` from ``mapper.web.security``.
"""
from __future__ import annotations

from flask import Blueprint, make_response, render_template, url_for

from ..maps import render_parts
from ..services.maps import frame_ancestors
from ..web.maps import map_head, orientation_data, orientation_figure
from ..web.security import content_security_policy, csp_nonce

bp = Blueprint("embed", __name__, url_prefix="/embed")


@bp.get("/cpts/<slug>")
def cpts_widget(slug: str):
    data = orientation_data(slug)
    parts = render_parts(orientation_figure(data), csp_nonce())
    query = data.filters.query_string()
    page_url = url_for("maps.cpts_map", slug=data.cpts.slug)
    if query:
        page_url += "?" + query
    html = render_template("embed/cpts.html", data=data, map=parts, page_url=page_url,
                           map_head=map_head(parts.head))
    origins = frame_ancestors(data.cpts)
    resp = make_response(html)
    resp.headers["Content-Security-Policy"] = content_security_policy(
        " ".join(origins) if origins else "'none'")
    resp.cache_control.no_store = True
    return resp
