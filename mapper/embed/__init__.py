"""Embeddable widgets under ``/embed/``: a CPTS's search (address, profession), results list and
map, in its name and colours, for its website's iframe (see ``mapper.http.snippets``).

Only these pages may be framed, and only by the origins a CPTS configured (``embed_origins``,
defaulting to the origin of its ``website``), through CSP ``frame-ancestors``; with none the
widget cannot be framed at all. Everything else gets ``frame-ancestors 'none'`` and
``X-Frame-Options: DENY`` from ``mapper.http.security``. Registered by ``create_app``.

Bad parameters do not give an error page (which could not be framed): the widget shows the
reason beside the field, with status 422.
"""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, make_response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..config import get_settings
from ..db import get_session
from ..errors import ValidationFailed
from ..http.pagemaps import orientation_figure, page_map, zone_url_template
from ..http.security import content_security_policy
from ..schemas.colors import brand
from ..schemas.maps import MapFilters
from ..schemas.widget import WidgetOptions, search_args
from ..services.geocoding import client_for
from ..services.pages.orientation import orientation_map
from ..services.pages.widget import member_professions, offered
from ..services.territories.cpts import frame_ancestors, get_cpts

bp = Blueprint("embed", __name__, url_prefix="/embed")

#: Results listed in the widget; the full map page lists them all.
WIDGET_LIST = 20
#: The widget's own fields, not carried over as hidden inputs (a new search replaces them).
_FORM_FIELDS = {"adresse", "address", "profession", "lat", "lon", "page"}


def _filters(args: list[tuple[str, str]], options: WidgetOptions) -> MapFilters:
    """The search filters of the widget, limited to the professions it offers."""
    renamed = MultiDict([("address" if k == "adresse" else k, v) for k, v in args])
    filters = MapFilters.from_args(renamed)
    if not options.choices:
        return filters
    if not filters.professions:
        return replace(filters, professions=options.choices)
    if set(filters.professions) - set(options.choices):
        raise ValidationFailed("Profession non proposée.", errors={
            "profession": ["profession non proposée par ce widget"]})
    return filters


def _parse(args: list[tuple[str, str]]):
    errors: dict[str, list[str]] = {}
    try:
        options = WidgetOptions.from_args(request.args)
    except ValidationFailed as exc:
        options, errors = WidgetOptions(), dict(exc.errors or {})
    try:
        filters = _filters(args, options)
    except ValidationFailed as exc:
        filters = MapFilters(professions=options.choices)
        errors.update({("adresse" if k == "address" else k): v
                       for k, v in (exc.errors or {}).items()})
    return options, filters, errors


@bp.get("/cpts/<slug>")
def cpts_widget(slug: str):
    session, settings = get_session(), get_settings()
    cpts = get_cpts(session, slug)
    args = search_args(request.args)
    options, filters, errors = _parse(args)
    data = orientation_map(session, cpts.slug, filters, settings,
                           geocoder=client_for(settings) if filters.address else None,
                           zone_url_template=zone_url_template())
    page_url = url_for("maps.cpts_map", slug=cpts.slug)
    if filters.query_items():
        page_url += "?" + urlencode(filters.query_items())
    labels = dict(data.professions)
    given = [v.strip().lower() for k, v in args if k == "profession" and v.strip()]
    entries = [e for group in data.groups for e in group.entries][:WIDGET_LIST]
    origins = frame_ancestors(cpts)
    html = render_template(
        "embed/cpts.html", cpts=cpts, data=data, map=page_map(orientation_figure(data)),
        page_url=page_url, entries=entries, errors=errors, origins=origins,
        offered=offered(member_professions(session, cpts.id), labels, options.choices),
        chosen=given[0] if len(given) == 1 else "", address=request.args.get("adresse")
        or request.args.get("address") or "",
        kept=[(k, v) for k, v in args if k not in _FORM_FIELDS] + options.query_items(),
        brand=brand(options.color or cpts.brand_color))
    resp = make_response(html, 422 if errors else 200)
    resp.headers["Content-Security-Policy"] = content_security_policy(
        " ".join(origins) if origins else "'none'")
    resp.cache_control.no_store = True
    return resp
