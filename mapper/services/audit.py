"""Record every write: who, what, when, before/after, and a reason for decisions."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import AuditEvent


def record(session: Session, actor, action: str, entity_type: str, entity_id: Any,
           before: dict | None = None, after: dict | None = None,
           reason: str | None = None) -> AuditEvent:
    """``actor`` is a Principal (or anything with ``account_id`` and ``label``) or a string."""
    if isinstance(actor, str):
        account_id, label = None, actor
    else:
        account_id, label = getattr(actor, "account_id", None), actor.label
    event = AuditEvent(account_id=account_id, actor=label, action=action,
                       entity_type=entity_type,
                       entity_id=None if entity_id is None else str(entity_id),
                       before=before, after=after, reason=reason)
    session.add(event)
    return event
