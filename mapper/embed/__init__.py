"""Embeddable widgets under ``/embed/``: a CPTS's search (address, profession), results list and
map, in its name and colours, for its website's iframe (see ``mapper.http.snippets``).

Only these pages may be framed, and only by the origins a CPTS configured (``embed_origins``,
defaulting to the origin of its ``website``), through CSP ``frame-ancestors``; with none the
widget cannot be framed at all. ``?apercu=1`` adds the service's own origin (``'self'``): the
preview on the CPTS page, which no other site gains from. Everything else gets
``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` from ``mapper.http.security``. Registered by ``create_app``.

The query string is the one set of orientation parameters (``schemas.orientation``) plus the
widget's own options (``schemas.widget``). Bad parameters do not give an error page (which
could not be framed): the widget shows the reason beside the field, with status 422.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, make_response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..config import get_settings
from ..db import get_session
from ..errors import MapperError, ValidationFailed
from ..http.pagecache import cached_page
from ..http.pagemaps import orientation_figure, page_map, searched, zone_url_template
from ..http.security import content_security_policy
from ..schemas.colors import brand
from ..schemas.orientation import OrientationParams
from ..schemas.widget import WidgetOptions, search_args
from ..services.geocoding import client_for
from ..services.pages.orientation import orientation_map
from ..services.pages.search import find_professionals
from ..services.pages.widget import (member_professions, offered, result_entries,
                                     widget_entries)
from ..services.territories.cpts import frame_ancestors, get_cpts

bp = Blueprint("embed", __name__, url_prefix="/embed")

#: Results listed in the widget; the full map page lists them all.
WIDGET_LIST = 10
#: The parameter of the preview framed by the CPTS page (module doc).
PREVIEW = "apercu"
#: The widget's own fields, not carried over as hidden inputs (a new search replaces them).
_FORM_FIELDS = {"adresse", "address", "profession", "lat", "lon", "near", "page", "rayon",
                "radius_km"}


def _filters(args: list[tuple[str, str]], options: WidgetOptions) -> OrientationParams:
    """The search of the widget, limited to the professions it offers."""
    params = OrientationParams.from_args(MultiDict(args))
    if not options.choices:
        return params
    if not params.professions:
        return params.replace(professions=options.choices)
    if set(params.professions) - set(options.choices):
        raise ValidationFailed("Profession non proposée.", errors={
            "profession": ["Profession non proposée par ce widget."]})
    return params


def _parse(args: list[tuple[str, str]]):
    """(options, search, errors by parameter): a bad value is reported, and the widget falls
    back on its default search (its professions)."""
    errors: dict[str, list[str]] = {}
    try:
        options = WidgetOptions.from_args(request.args)
    except ValidationFailed as exc:
        options, errors = WidgetOptions(), dict(exc.errors or {})
    try:
        params = _filters(args, options)
    except ValidationFailed as exc:
        params = OrientationParams(professions=options.choices)
        errors.update(exc.errors or {})
    return options, params, errors


#: The search's field names → the widget's.
_FIELD = {"address": "adresse", "competency": "competence", "competencies": "competence"}


def _search(session, cpts, params: OrientationParams, errors: dict):
    """After a search by place: the nearest members (one use case with /recherche, restricted
    to the CPTS), else None; a place or a code the service rejects is reported beside the
    form."""
    if params.near is None and not params.address:
        return None
    settings = get_settings()
    try:
        found = find_professionals(session, params, settings=settings,
                                   client=client_for(settings), limit=WIDGET_LIST,
                                   cpts_id=cpts.id)
    except MapperError as exc:
        session.rollback()
        errors.update({_FIELD.get(k, k): v
                       for k, v in (exc.errors or {"adresse": [exc.detail]}).items()})
        return None
    session.commit()  # keeps the geocoding cache's answer
    return found


def _results(session, cpts, params: OrientationParams, found, errors: dict):
    """The orientation map, around the place the search found (located once); codes the
    database does not know (a profession, a competency) are reported and the widget shows
    everyone instead."""
    settings = get_settings()
    if found is not None:
        params = params.replace(near=found.near)
    elif params.address:
        params = params.replace(address=None)  # not found: reported beside the form
    try:
        data = orientation_map(session, cpts.slug, params, settings,
                               zone_url_template=zone_url_template())
    except ValidationFailed as exc:
        session.rollback()
        errors.update({_FIELD.get(k, k): v
                       for k, v in (exc.errors or {"profession": [exc.detail]}).items()})
        return orientation_map(session, cpts.slug, OrientationParams(), settings,
                               zone_url_template=zone_url_template())
    if found is not None:
        data.address_label = found.label or data.address_label
    return data


def _links(cpts, params: OrientationParams, data) -> dict:
    page_url = url_for("maps.cpts_map", slug=cpts.slug)
    if params.query_items():
        page_url += "?" + urlencode(params.query_items())
    wider = None
    if data.radius_km and data.radius_km < 200:
        wider = url_for("embed.cpts_widget", slug=cpts.slug) + "?" + urlencode(
            [(k, v) for k, v in request.args.items(multi=True) if k not in ("rayon", "radius_km")]
            + [("rayon", f"{min(200, data.radius_km * 2):g}")])
    return {"page_url": page_url, "wider_url": wider}


@bp.get("/cpts/<slug>")
def cpts_widget(slug: str):
    session = get_session()
    cpts = get_cpts(session, slug)
    args = search_args(request.args)
    errors: dict = {}

    def render() -> tuple[str, bool]:
        html = _render(session, cpts, args, errors)
        return html, not errors and not any(k in _SEARCH for k, _ in args)

    html = cached_page(("embed.cpts_widget", request.full_path), render)
    origins = frame_ancestors(cpts)
    resp = make_response(html, 422 if errors else 200)
    ancestors = (["'self'"] if request.args.get(PREVIEW) == "1" else []) + origins
    resp.headers["Content-Security-Policy"] = content_security_policy(
        " ".join(ancestors) if ancestors else "'none'")
    resp.cache_control.no_store = True
    return resp


#: A search by place: its results are the visitor's own, never cached.
_SEARCH = {"adresse", "address", "lat", "lon", "near"}


def _render(session, cpts, args: list[tuple[str, str]], errors: dict) -> str:
    """The widget's page; the reasons of bad parameters are added to ``errors``."""
    options, params, parse_errors = _parse(args)
    errors.update(parse_errors)
    found = _search(session, cpts, params, errors)
    data = _results(session, cpts, params, found, errors)
    given = [v.strip().lower() for k, v in args if k == "profession" and v.strip()]
    return render_template(
        "embed/cpts.html", cpts=cpts, data=data, errors=errors, origins=frame_ancestors(cpts),
        map=page_map(orientation_figure(data, searched=searched(data))),
        entries=result_entries(found.results) if found else widget_entries(data, WIDGET_LIST),
        found=found, **_links(cpts, params, data),
        offered=offered(member_professions(session, cpts.id), dict(data.professions),
                        options.choices),
        chosen=given[0] if len(given) == 1 else "",
        address=" ".join(v for k, v in args if k in ("adresse", "address")),
        kept=[(k, v) for k, v in args if k not in _FORM_FIELDS] + options.query_items(),
        brand=brand(options.color or cpts.brand_color))


from . import permanences  # noqa: E402,F401 - its route on this blueprint
