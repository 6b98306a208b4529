"""After a committed write that stored a territory: tell those its overlaps concern.

Called by the API and the pages *after* ``session.commit()``: the message is news of the write,
which is kept whatever happens to the mail (a failure is logged; see
``services.territories.notices``).
"""
from __future__ import annotations

import logging

from ..config import get_settings
from ..services.territories import current_overlaps
from ..services.territories.check import name_shared_communes
from ..services.territories.notices import overlap_mails, send_all
from .links import external_url

log = logging.getLogger(__name__)


def _link(role: str, cpts) -> str:
    if role == "ars":
        return external_url("territory_pages.ars_project_page", slug=cpts.slug)
    return external_url("territory_pages.cpts_page", slug=cpts.slug)


def notify_overlaps(session, principal, cpts, event: str) -> int:
    """Mail the coordinators and ARS officers concerned when ``cpts`` overlaps other CPTS
    (``event``: create, update or submit); returns how many messages the server took. Never raises:
    the write is committed already."""
    settings = get_settings()
    try:
        overlaps = current_overlaps(session, cpts, settings)
        name_shared_communes(session, overlaps)
        mails = overlap_mails(session, cpts, overlaps, event, _link, principal.account_id)
        return send_all(settings, mails)
    except Exception:  # noqa: BLE001 - the write is committed; the notice is best effort
        log.exception("overlap notices for CPTS %s failed", getattr(cpts, "id", None))
        return 0
