"""Who sees the professional-only fields of an entry (issue 17): the one rule, used by the API,
the colleagues' pages and the vCards.

The fields (``access.PROFESSIONAL_ONLY_FIELDS``: the direct line, the MSSanté address, how
referrals are preferred, whether patients referred by a colleague are taken, the note to
colleagues) are seen by:

* an administrator;
* the entry's own account;
* a signed-in professional or coordinator who is a member (coordinator) of a CPTS the entry
  belongs to.

Never by an anonymous visitor, nor an ARS account (its work is territories, not the care of
patients), nor any public payload: the widget, the public maps and pages, GeoJSON, CSV and the
other exports build on ``access.public_view`` or on result rows that never select these columns.
"""
from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...models import CptsMember
from .access import PROFESSIONAL_ONLY_FIELDS, member_cpts_ids

_FIELDS = text("""
    SELECT id, private_phone, mssante, referral_preference, takes_referrals, colleague_note
    FROM professional WHERE id = ANY(:ids)
""")


def colleague_cpts_ids(session: Session, principal) -> set[int] | None:
    """The CPTS whose members' fields ``principal`` sees; None means every entry (admin)."""
    if principal is None or getattr(principal, "is_anonymous", True):
        return set()
    if principal.is_admin:
        return None
    if principal.role == "coordinator":
        return {principal.cpts_id} if principal.cpts_id is not None else set()
    if principal.role == "professional" and principal.professional_id is not None:
        return member_cpts_ids(session, principal.professional_id)
    return set()


def may_see_professional_fields(session: Session, principal, professional_id: int) -> bool:
    """The rule for one entry."""
    return professional_id in visible_among(session, principal, [professional_id])


def visible_among(session: Session, principal, professional_ids) -> set[int]:
    """The rule for many entries (a page of results) in one query: those whose fields
    ``principal`` may see."""
    ids = set(professional_ids)
    if not ids or principal is None or getattr(principal, "is_anonymous", True):
        return set()
    cpts_ids = colleague_cpts_ids(session, principal)
    if cpts_ids is None:
        return ids
    own = ({principal.professional_id} & ids if principal.role == "professional" else set())
    if not cpts_ids:
        return own
    members = session.scalars(select(CptsMember.professional_id).distinct().where(
        CptsMember.professional_id.in_(ids), CptsMember.cpts_id.in_(cpts_ids)))
    return own | set(members)


def referral_scope(session: Session, principal) -> tuple[int, ...]:
    """``SearchQuery.referrals_in`` for the asker: the CPTS whose members' "takes referrals"
    the asker may see; () is everyone's (an administrator); with no CPTS of one's own, a CPTS
    that does not exist (nobody)."""
    visible = colleague_cpts_ids(session, principal)
    if visible is None:
        return ()
    return tuple(sorted(visible)) or (0,)


def professional_fields(session: Session, professional_ids) -> dict[int, dict]:
    """The professional-only fields of these entries, by id (callers apply the rule first)."""
    ids = sorted(set(professional_ids))
    if not ids:
        return {}
    return {row["id"]: {k: row[k] for k in PROFESSIONAL_ONLY_FIELDS}
            for row in session.execute(_FIELDS, {"ids": ids}).mappings()}


def with_professional_fields(session: Session, principal, results: list[dict]) -> list[dict]:
    """Search results (or public entries) with the professional-only fields added to those
    the rule allows (``colleague: true``); the others are returned as they are."""
    allowed = visible_among(session, principal, [r["id"] for r in results])
    fields = professional_fields(session, allowed)
    out = []
    for result in results:
        if result["id"] in fields:
            result = {**result, **fields[result["id"]], "colleague": True}
        out.append(result)
    return out
