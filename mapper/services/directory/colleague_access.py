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

from sqlalchemy import text
from sqlalchemy.orm import Session

from .access import PROFESSIONAL_ONLY_FIELDS, member_cpts_ids

#: The rule in one statement, for a page of entries: the fields of those among ``:ids`` that
#: the asker sees (``:everyone`` an administrator; ``:own`` the asker's own entry; members of
#: ``:cpts`` (a coordinator's CPTS) or of a CPTS the asking professional (``:own``) belongs to).
_VISIBLE_FIELDS = text("""
    SELECT p.id, p.private_phone, p.mssante, p.referral_preference, p.takes_referrals,
           p.colleague_note
    FROM professional p
    WHERE p.id = ANY(:ids) AND (:everyone OR p.id = :own OR EXISTS (
        SELECT 1 FROM cpts_member m WHERE m.professional_id = p.id AND m.cpts_id IN (
            SELECT CAST(:cpts AS int) UNION ALL
            SELECT a.cpts_id FROM cpts_member a WHERE a.professional_id = :own)))
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
    """The rule for many entries (a page of results) in one statement: those whose fields
    ``principal`` may see."""
    return set(_visible_fields(session, principal, professional_ids))


def _visible_fields(session: Session, principal, professional_ids) -> dict[int, dict]:
    """The professional-only fields of those among ``professional_ids`` whose fields
    ``principal`` may see, by id."""
    ids = sorted(set(professional_ids))
    if not ids or principal is None or getattr(principal, "is_anonymous", True):
        return {}
    role = principal.role
    if not principal.is_admin and role not in ("coordinator", "professional"):
        return {}
    own = principal.professional_id if role == "professional" else None
    params = {"ids": ids, "everyone": principal.is_admin, "own": own,
              "cpts": principal.cpts_id if role == "coordinator" else None}
    return {row["id"]: {k: row[k] for k in PROFESSIONAL_ONLY_FIELDS}
            for row in session.execute(_VISIBLE_FIELDS, params).mappings()}


def referral_scope(session: Session, principal) -> tuple[int, ...]:
    """``SearchQuery.referrals_in`` for the asker: the CPTS whose members' "takes referrals"
    the asker may see; () is everyone's (an administrator); with no CPTS of one's own, a CPTS
    that does not exist (nobody)."""
    visible = colleague_cpts_ids(session, principal)
    if visible is None:
        return ()
    return tuple(sorted(visible)) or (0,)


def with_professional_fields(session: Session, principal, results: list[dict]) -> list[dict]:
    """Search results (or public entries) with the professional-only fields added to those
    the rule allows (``colleague: true``); the others are returned as they are."""
    fields = _visible_fields(session, principal, [r["id"] for r in results])
    out = []
    for result in results:
        if result["id"] in fields:
            result = {**result, **fields[result["id"]], "colleague": True}
        out.append(result)
    return out
