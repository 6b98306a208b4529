"""The public files of a CPTS's permanences: iCalendar feeds (the CPTS's, a campaign's) and
the CSV export. Public campaigns only, whoever asks; cacheable (ETag, 304)."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from urllib.parse import urlsplit
from datetime import datetime, timedelta

from flask import Response, request

from ... import labels
from ...db import get_session
from ...errors import NotFound
from ...http.i18n import translate
from ...http.links import absolute, base_url
from ...services.directory.calendar import PARIS
from ...services.directory.campaigns import find_campaign
from ...services.directory.permanence_files import ics_feed, permanences_csv
from ...services.directory.permanences import permanences_fingerprint, upcoming_permanences
from ...services.territories import get_cpts
from .blueprint import bp

ICS = "text/calendar; charset=utf-8"
CSV = "text/csv; charset=utf-8"
#: Feeds keep the last month's permanences (a subscribed calendar keeps what just happened).
KEPT_DAYS = 31
ANONYMOUS = None  # feeds never show a campaign that is not public, even to its coordinator
#: The last feeds built, by ETag (a feed is polled far more often than it changes).
_BODIES: OrderedDict[str, bytes] = OrderedDict()
_KEEP = 16
_LOCK = threading.Lock()


def _since():
    return (datetime.now(PARIS) - timedelta(days=KEPT_DAYS)).date()


def _page_url(slug: str) -> str:
    return absolute(f"/cpts/{slug}/permanences")


def _cached(body: bytes, mimetype: str, filename: str, etag: str | None = None) -> Response:
    response = Response(body, content_type=mimetype)
    response.set_etag(etag or hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=900"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


def _feed(session, cpts, name: str, filename: str, campaign_id: int | None = None
          ) -> Response:
    """The feed, its ETag from the rows' digest (computed in the database): a client that has
    it gets a 304, an unchanged feed is served from memory, a changed one is built (events
    that did not change are reused, see ``permanence_files``)."""
    since, host, page_url = _since(), urlsplit(base_url()).hostname, _page_url(cpts.slug)
    digest = permanences_fingerprint(session, cpts.id, campaign_id=campaign_id, since=since)
    modes = {code: translate(label) for code, label in labels.APPOINTMENT_MODE.items()}
    etag = hashlib.sha256(repr((digest, host, page_url, name, sorted(modes.items())))
                          .encode()).hexdigest()[:32]
    body = _BODIES.get(etag)
    if body is None and etag not in request.if_none_match:
        rows = upcoming_permanences(session, cpts.id, campaign_id=campaign_id, since=since)
        body = ics_feed(rows, name=name, host=host, page_url=page_url,
                        appointment_labels=modes)
        with _LOCK:
            _BODIES[etag] = body
            while len(_BODIES) > _KEEP:
                _BODIES.popitem(last=False)
    return _cached(body or b"", ICS, filename, etag)


@bp.route("/cpts/<slug>/permanences.ics")
def cpts_feed(slug: str):
    session = get_session()
    cpts = get_cpts(session, slug)
    return _feed(session, cpts, f"Permanences — {cpts.name}", f"permanences-{cpts.slug}.ics")


@bp.route("/cpts/<slug>/campagnes/<key>/permanences.ics")
def campaign_feed(slug: str, key: str):
    session = get_session()
    cpts = get_cpts(session, slug)
    campaign = find_campaign(session, ANONYMOUS, cpts.id, key)
    if not campaign.public:  # pragma: no cover - find_campaign already hides it
        raise NotFound("Campagne inconnue.")
    return _feed(session, cpts, f"{campaign.name} — {cpts.name}",
                 f"{campaign.slug}-{cpts.slug}.ics", campaign.id)


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
