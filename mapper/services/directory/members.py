"""A CPTS's members: taking in an existing entry, removing one, the entries to check again.

Membership gives a coordinator write access to the entry, so a coordinator takes in only
entries nobody else curates; other joins go through the ARS or an administrator.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...errors import Conflict, Forbidden, NotFound
from ...models import Account, AuditEvent, CptsMember, Professional
from ...schemas.fields import INT4_MAX
from .. import audit
from .lookup import find_professional
from .views import STALE_AFTER


def _require_manager(principal, cpts) -> None:
    if not principal.can_manage_cpts(cpts.id, cpts.region):
        raise Forbidden("Vous ne gérez pas cette CPTS.")


def member_entry(session: Session, cpts, professional_id: int) -> Professional:
    """The entry of a member of this CPTS; 404 when it is not one."""
    if (not 1 <= professional_id <= INT4_MAX
            or session.get(CptsMember, (cpts.id, professional_id)) is None):
        raise NotFound("Ce professionnel n'est pas membre de la CPTS.")
    return session.get(Professional, professional_id)


def add_member(session: Session, principal, cpts, reference: str) -> int:
    """Add an existing entry (by RPPS or entry number) to the CPTS the principal manages."""
    _require_manager(principal, cpts)
    professional_id = find_professional(session, reference)
    exists = session.get(CptsMember, (cpts.id, professional_id))
    if exists is not None:
        raise Conflict("Ce professionnel est déjà membre.",
                       errors={"professional": ["Ce professionnel est déjà membre de la CPTS."]})
    if not principal.can_act_in_region(cpts.region):
        _require_unclaimed(session, professional_id)
    session.add(CptsMember(cpts_id=cpts.id, professional_id=professional_id))
    session.flush()
    audit.record(session, principal, "cpts.member_add", "cpts", cpts.id,
                 after={"professional_id": professional_id})
    return professional_id


def _require_unclaimed(session: Session, professional_id: int) -> None:
    """Membership gives a coordinator write access to the entry: a coordinator may only take in
    an entry nobody else curates — not one kept by its own professional account, nor a member
    of another CPTS. Those joins go through the ARS or an administrator."""
    other_cpts = session.scalar(select(CptsMember.cpts_id)
                                .where(CptsMember.professional_id == professional_id).limit(1))
    own_account = session.scalar(select(Account.id)
                                 .where(Account.professional_id == professional_id).limit(1))
    if other_cpts is not None or own_account is not None:
        message = ("Cette fiche est déjà gérée (par le professionnel lui-même ou par une autre "
                   "CPTS) : demandez son rattachement à l'ARS ou à l'administrateur.")
        raise Forbidden(message, errors={"professional": [message]})


#: How long « Annuler » after « Retirer » puts the member back.
UNDO_WITHIN = timedelta(minutes=10)


def remove_member(session: Session, principal, cpts, professional_id: int) -> int:
    """Remove a member; the id of the audit event, which ``restore_member`` takes back."""
    _require_manager(principal, cpts)
    member = session.get(CptsMember, (cpts.id, professional_id))
    if member is None:
        raise NotFound("Ce professionnel n'est pas membre de la CPTS.")
    joined_at = member.joined_at
    session.delete(member)
    session.flush()
    event = audit.record(session, principal, "cpts.member_remove", "cpts", cpts.id,
                         before={"professional_id": professional_id,
                                 "joined_at": joined_at.isoformat() if joined_at else None})
    session.flush()
    return event.id


def restore_member(session: Session, principal, cpts, removal_id: int) -> int:
    """Undo a removal: the same person, within ``UNDO_WITHIN``, once, and only while nothing
    else happened to that membership since. The member comes back with their joining date,
    even an entry kept by its own account (which ``add_member`` would refuse a coordinator:
    this puts back what was, it takes in nothing new). The professional's id."""
    _require_manager(principal, cpts)
    event = session.get(AuditEvent, removal_id) if 1 <= removal_id <= INT4_MAX else None
    gone = Conflict("Ce retrait ne peut plus être annulé : ajoutez le membre à nouveau par "
                    "son numéro de fiche.")
    if (event is None or event.action != "cpts.member_remove" or event.entity_type != "cpts"
            or event.entity_id != str(cpts.id) or event.account_id is None
            or event.account_id != principal.account_id or not event.before):
        raise gone
    professional_id = event.before.get("professional_id")
    if event.at < datetime.now(timezone.utc) - UNDO_WITHIN:
        raise gone
    later = session.scalar(select(AuditEvent.id).where(
        AuditEvent.entity_type == "cpts", AuditEvent.entity_id == str(cpts.id),
        AuditEvent.id > event.id,
        AuditEvent.action.in_(("cpts.member_add", "cpts.member_restore",
                               "cpts.member_remove")),
        text("coalesce(audit_event.after, audit_event.before) ->> 'professional_id' = :p")
        .bindparams(p=str(professional_id))).limit(1))
    if (later is not None or session.get(Professional, professional_id) is None
            or session.get(CptsMember, (cpts.id, professional_id)) is not None):
        raise gone
    joined = event.before.get("joined_at")
    member = CptsMember(cpts_id=cpts.id, professional_id=professional_id)
    if joined:
        member.joined_at = datetime.fromisoformat(joined)
    session.add(member)
    session.flush()
    audit.record(session, principal, "cpts.member_restore", "cpts", cpts.id,
                 after={"professional_id": professional_id, "undoes": event.id})
    return professional_id


def stale_members(session: Session, cpts_id: int) -> list[dict]:
    """Members whose entry was not confirmed for six months (or never), oldest first."""
    rows = session.execute(text("""
        SELECT p.id, p.first_name, p.last_name, pr.label AS profession_label,
               p.last_verified_at
        FROM cpts_member m JOIN professional p ON p.id = m.professional_id
        JOIN profession pr ON pr.code = p.profession_code
        WHERE m.cpts_id = :cpts AND (p.last_verified_at IS NULL OR p.last_verified_at < :limit)
        ORDER BY p.last_verified_at NULLS FIRST, p.last_name COLLATE mapper_fr,
                 p.first_name COLLATE mapper_fr, p.id"""),
        {"cpts": cpts_id, "limit": datetime.now(timezone.utc) - STALE_AFTER})
    return [dict(r._mapping) for r in rows]
