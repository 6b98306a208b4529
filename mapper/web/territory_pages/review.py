"""The ARS review queue of a région (``/ars``): projects needing a decision first, overlapping
ones at the top with their claimants; filters and pages are GET parameters (the URL is the
view, shareable); each row leads to the project's page (``ars_project``)."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import render_template, request, url_for

from ...config import get_settings
from ...db import get_session
from ...errors import Forbidden
from ...http.principal import current_principal
from ...reference import REGIONS
from ...services.pages.ars_queue import QueueFilters, review_queue
from ...services.pages.review import regions_with_projects, review_regions
from ...vocab import CPTS_STATUSES, SIZE_CATEGORIES
from ..guards import page_roles
from .blueprint import bp


def review_region(principal) -> tuple[str, list[str]]:
    """The région asked (else the first with projects) and the reviewer's régions; Forbidden
    for a région outside the account's."""
    allowed = review_regions(principal)
    region = request.values.get("region") or ""
    if not region:
        preferred = regions_with_projects(get_session(), allowed)
        region = (preferred or allowed or [""])[0]
    if region not in allowed:
        raise Forbidden("Cette région n'est pas dans le périmètre de votre compte.")
    return region, allowed


def _int(raw: str | None, default: int | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 6 else default


def queue_filters(args) -> QueueFilters:
    """The filters of the query string; an unknown value is no filter (never an error)."""
    status = args.get("statut", "")
    size = _int(args.get("taille"), None)
    return QueueFilters(status=status if status in CPTS_STATUSES else "",
                        departement=(args.get("departement") or "").strip().upper()[:3],
                        overlap=args.get("chevauchement") == "1",
                        size=size if size in SIZE_CATEGORIES else None,
                        page=_int(args.get("page"), 1) or 1)


def _page_url(region: str, filters: QueueFilters, page: int) -> str:
    params = {"region": region, "statut": filters.status, "departement": filters.departement,
              "chevauchement": "1" if filters.overlap else "",
              "taille": filters.size or "", "page": page if page > 1 else ""}
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{url_for('territory_pages.review')}?{query}"


@bp.route("/ars")
@page_roles("ars", "admin")
def review():
    region, allowed = review_region(current_principal())
    filters = queue_filters(request.args)
    queue = review_queue(get_session(), region, filters, get_settings())
    pages = {"previous": _page_url(region, filters, queue["page"] - 1)
             if queue["page"] > 1 else None,
             "next": _page_url(region, filters, queue["page"] + 1)
             if queue["page"] < queue["pages"] else None}
    return render_template(
        "web/ars.html", region=region, region_name=REGIONS.get(region, region),
        regions=[(r, REGIONS.get(r, r)) for r in allowed], filters=filters,
        statuses=CPTS_STATUSES, sizes=SIZE_CATEGORIES, links=pages, **queue)
