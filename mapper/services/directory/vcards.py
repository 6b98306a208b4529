"""The colleagues a vCard carries (issue 17): one colleague, or every member of a CPTS, as
entries with the professional-only fields only where the one rule (``colleague_access``) allows
them. The cards themselves (RFC 6350) are written by ``mapper.web.vcards``."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...errors import Forbidden
from .colleague_access import colleague_cpts_ids, with_professional_fields
from .search import cpts_professionals
from .views import professional_public


def colleague_card(session: Session, principal, professional_id: int) -> dict:
    """The public entry, plus the professional-only fields when the rule allows."""
    return with_professional_fields(session, principal,
                                    [professional_public(session, professional_id)])[0]


def cpts_cards(session: Session, principal, cpts_id: int) -> list[dict]:
    """Every member of a CPTS, for those the rule lets see them as colleagues (a member, the
    CPTS's coordinator, an administrator)."""
    scope = colleague_cpts_ids(session, principal)
    if scope is not None and cpts_id not in scope:
        raise Forbidden("Seuls les membres et le coordinateur de cette CPTS, ou un "
                        "administrateur, peuvent télécharger ses contacts.")
    return with_professional_fields(session, principal, cpts_professionals(session, cpts_id))
