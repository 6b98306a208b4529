"""Who is told when a project that overlaps others is submitted or its territory changed.

The coordinators of every CPTS involved (active accounts with the role coordinator for one of
them) and the ARS officers of their régions, each by one message in French with the absolute
link to the project's page (the ARS page for the ARS, the CPTS page for coordinators). The
author of the change is not told of their own change.

The message is *news of* a write, not the write itself: callers send it once the write is
committed, and a mail server that fails loses nothing but the message (logged, counted). The
invitations differ: there the message IS the action, so they roll back when it fails.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

from sqlalchemy import ARRAY, String, cast, or_, select
from sqlalchemy.orm import Session

from ...config import Settings
from ...models import Account, Cpts
from ..accounts.mail import Mail, MailFailed, send

log = logging.getLogger(__name__)

#: What happened to the project, as the message says it.
EVENTS = {"create": "a été déposé", "update": "a changé de territoire",
          "submit": "est passé de la lettre d'intention au projet de santé"}
#: Why the recipient is told: the ARS of the région, the coordinator of the project itself, the
#: coordinator of a CPTS it overlaps.
WHY = {"ars": "Il chevauche le territoire d'autres CPTS de votre région :",
       "own": "Il chevauche le territoire d'autres CPTS :",
       "theirs": "Il chevauche le territoire de votre CPTS :"}


def recipients(session: Session, cpts_ids, regions, author_id: int | None) -> list[Account]:
    """Active coordinators of these CPTS and ARS officers of these régions, by e-mail."""
    query = select(Account).where(Account.active.is_(True), or_(
        (Account.role == "coordinator") & Account.cpts_id.in_(list(cpts_ids)),
        (Account.role == "ars")
        & Account.regions.op("&&")(cast(sorted(r for r in regions if r), ARRAY(String(3))))))
    if author_id is not None:
        query = query.where(Account.id != author_id)
    return list(session.scalars(query.order_by(Account.email)))


def _lines(overlaps: list[dict]) -> list[str]:
    lines = []
    for o in overlaps:
        shared = o.get("shared") or []
        where = (", ".join(f"{c['nom']} ({c['code']})" for c in shared) if shared
                 else ", ".join(o["shared_communes"]) or "territoire tracé")
        lines.append(f"{o['cpts']['name']} : {where} — "
                     f"{o['population_affected']:,} habitants concernés".replace(",", "\u202f"))
    return lines


def overlap_mails(session: Session, cpts: Cpts, overlaps: list[dict], event: str,
                  link: Callable[[str, Cpts], str], author_id: int | None = None
                  ) -> list[Mail]:
    """One message per recipient; ``link(role, cpts)`` is the absolute URL of the page that
    recipient opens. Nothing when the project overlaps nothing."""
    if not overlaps:
        return []
    others = session.scalars(select(Cpts).where(
        Cpts.id.in_([o["cpts"]["id"] for o in overlaps]))).all()
    ids = {cpts.id} | {k.id for k in others}
    regions = {cpts.region} | {k.region for k in others}
    lines = _lines(overlaps)
    subject = f"Chevauchement de territoire : {cpts.name}"
    what = f"Le projet de {cpts.name} {EVENTS.get(event, EVENTS['update'])}."
    mails = []
    for account in recipients(session, ids, regions, author_id):
        url = link(account.role, cpts)
        why = WHY["ars" if account.role == "ars" else
                  "own" if account.cpts_id == cpts.id else "theirs"]
        text = (f"Bonjour,\n\n{what}\n{why}\n\n" + "\n".join(f"- {x}" for x in lines)
                + f"\n\nVoir le projet : {url}\n\nL'ARS mène la conciliation des "
                "chevauchements entre projets.\n\n-- \nCarto CPTS\n")
        html = (f'<!doctype html><html lang="fr"><body><p>Bonjour,</p><p>{escape(what)}<br>'
                f"{escape(why)}</p><ul>"
                + "".join(f"<li>{escape(x)}</li>" for x in lines)
                + f'</ul><p><a href="{escape(url)}">Voir le projet</a></p>'
                f"<p>{escape(url)}</p><p>Carto CPTS</p></body></html>")
        mails.append(Mail(to=account.email, subject=subject, text=text, html=html))
    return mails


def send_all(settings: Settings, mails: list[Mail]) -> int:
    """Send each message; a failure is logged and the others still go. Returns how many the
    server took (0 without a server: the messages are then logged by ``send``)."""
    sent = 0
    for mail in mails:
        try:
            sent += bool(send(settings, mail))
        except MailFailed as exc:
            log.error("overlap notice to %s not sent: %s", mail.to, exc.log_message or exc)
    return sent
