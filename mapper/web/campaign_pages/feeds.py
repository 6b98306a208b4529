"""The public files of a CPTS's permanences: iCalendar feeds (the CPTS's, a campaign's) and
the CSV export. Public campaigns only, whoever asks; cacheable (ETag, 304)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import Response, request

from ... import labels
from ...db import get_session
from ...errors import NotFound
from ...http.i18n import translate
from ...services.directory.calendar import PARIS
from ...services.directory.campaigns import find_campaign
from ...services.directory.permanence_files import ics_feed, permanences_csv
from ...services.directory.permanences import upcoming_permanences
from ...services.territories import get_cpts
from .blueprint import bp

ICS = "text/calendar; charset=utf-8"
CSV = "text/csv; charset=utf-8"
#: Feeds keep the last month's permanences (a subscribed calendar keeps what just happened).
KEPT_DAYS = 31
ANONYMOUS = None  # feeds never show a campaign that is not public, even to its coordinator


def _since():
    return (datetime.now(PARIS) - timedelta(days=KEPT_DAYS)).date()


def _page_url(slug: str) -> str:
    return f"{request.host_url}cpts/{slug}/permanences"


def _cached(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, content_type=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=900"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


def _feed(cpts, rows, name: str, filename: str) -> Response:
    modes = {code: translate(label) for code, label in labels.APPOINTMENT_MODE.items()}
    body = ics_feed(rows, name=name, host=request.host.split(":")[0],
                    page_url=_page_url(cpts.slug), appointment_labels=modes)
    return _cached(body, ICS, filename)


@bp.route("/cpts/<slug>/permanences.ics")
def cpts_feed(slug: str):
    session = get_session()
    cpts = get_cpts(session, slug)
    rows = upcoming_permanences(session, cpts.id, since=_since())
    return _feed(cpts, rows, f"Permanences — {cpts.name}", f"permanences-{cpts.slug}.ics")


@bp.route("/cpts/<slug>/campagnes/<key>/permanences.ics")
def campaign_feed(slug: str, key: str):
    session = get_session()
    cpts = get_cpts(session, slug)
    campaign = find_campaign(session, ANONYMOUS, cpts.id, key)
    if not campaign.public:  # pragma: no cover - find_campaign already hides it
        raise NotFound("Campagne inconnue.")
    rows = upcoming_permanences(session, cpts.id, campaign_id=campaign.id, since=_since())
    return _feed(cpts, rows, f"{campaign.name} — {cpts.name}",
                 f"{campaign.slug}-{cpts.slug}.ics")


@bp.route("/cpts/<slug>/permanences.csv")
def cpts_csv(slug: str):
    """Upcoming permanences of the CPTS's public campaigns (columns: see the README)."""
    session = get_session()
    cpts = get_cpts(session, slug)
    rows = upcoming_permanences(session, cpts.id)
    body = permanences_csv(rows, _page_url(cpts.slug)).encode("utf-8")
    response = _cached(body, CSV, f"permanences-{cpts.slug}.csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="permanences-{cpts.slug}.csv"')
    return response
