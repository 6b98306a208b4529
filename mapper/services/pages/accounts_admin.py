"""What the account pages show (``/admin/comptes``): the accounts a manager may see, searched,
filtered and paged, sorted with the French collation; one account with its API tokens (never
their secrets); the choices of the forms (régions and CPTS within the scope).

The scope is the one of ``services.accounts.manage``: everything for an administrator, the
coordinator accounts of the CPTS of their régions for an ARS officer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import and_, any_, false, func, literal, or_, select
from sqlalchemy.orm import Session

from ...models import Account, ApiToken, Cpts, Professional
from ...reference import REGIONS
from ...vocab import FRENCH_COLLATION, ROLES, french_key
from ..accounts.manage import can_manage, managed_account, may_manage_accounts

PER_PAGE = 25


@dataclass(frozen=True)
class AccountFilters:
    q: str = ""
    role: str = ""
    region: str = ""
    cpts: int | None = None
    active: str = ""  # "" every account, "1" active ones, "0" deactivated ones
    page: int = 1


def _scope(principal):
    """The SQL condition of the accounts ``principal`` may see."""
    if principal.is_admin:
        return None
    if principal.role == "ars" and principal.regions:
        return and_(Account.role == "coordinator", Cpts.region.in_(sorted(principal.regions)))
    return false()


def _conditions(principal, f: AccountFilters) -> list:
    conditions = [c for c in (_scope(principal),) if c is not None]
    if f.q:
        like = f"%{f.q}%"
        conditions.append(or_(Account.email.ilike(like),
                              func.unaccent_lower(Cpts.name).contains(func.unaccent_lower(f.q)),
                              func.unaccent_lower(Professional.last_name)
                              .contains(func.unaccent_lower(f.q))))
    if f.role:
        conditions.append(Account.role == f.role)
    if f.region:
        conditions.append(or_(literal(f.region) == any_(Account.regions), Cpts.region == f.region))
    if f.cpts is not None:
        conditions.append(Account.cpts_id == f.cpts)
    if f.active in ("0", "1"):
        conditions.append(Account.active.is_(f.active == "1"))
    return conditions


def _live_tokens():
    return (select(func.count()).where(ApiToken.account_id == Account.id,
                                       ApiToken.revoked_at.is_(None))
            .correlate(Account).scalar_subquery())


def account_list(session: Session, principal, f: AccountFilters) -> dict:
    base = (select(Account.id, Account.email, Account.role, Account.regions, Account.active,
                   Account.created_at, Cpts.name.label("cpts_name"),
                   Professional.first_name, Professional.last_name,
                   _live_tokens().label("tokens"))
            .outerjoin(Cpts, Cpts.id == Account.cpts_id)
            .outerjoin(Professional, Professional.id == Account.professional_id)
            .where(*_conditions(principal, f)))
    matching = session.scalar(select(func.count()).select_from(base.subquery()))
    pages = max(1, math.ceil(matching / PER_PAGE))
    page = min(max(f.page, 1), pages)
    rows = session.execute(base.order_by(Account.email.collate(FRENCH_COLLATION), Account.id)
                           .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).mappings().all()
    return {"rows": [_row(r) for r in rows], "matching": matching, "page": page,
            "pages": pages, "per_page": PER_PAGE}


def _row(r) -> dict:
    person = f"{r['first_name'] or ''} {r['last_name']}".strip() if r["last_name"] else None
    return {"id": r["id"], "email": r["email"], "role": r["role"], "active": r["active"],
            "regions": [(code, REGIONS.get(code, code)) for code in r["regions"] or ()],
            "cpts": r["cpts_name"], "professional": person, "tokens": r["tokens"],
            "created_at": r["created_at"]}


def account_detail(session: Session, principal, account_id: int) -> dict:
    """One account within the scope (403 otherwise) with its tokens, newest first."""
    account = managed_account(session, principal, account_id)
    cpts = session.get(Cpts, account.cpts_id) if account.cpts_id else None
    person = session.get(Professional, account.professional_id) \
        if account.professional_id else None
    tokens = session.scalars(select(ApiToken).where(ApiToken.account_id == account.id)
                             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    return {
        "account": account, "cpts": cpts,
        "professional": f"{person.first_name or ''} {person.last_name}".strip()
        if person else None,
        "regions": [(code, REGIONS.get(code, code)) for code in account.regions or ()],
        "tokens": [{"id": t.id, "label": t.label, "created_at": t.created_at,
                    "last_used_at": t.last_used_at, "revoked_at": t.revoked_at}
                   for t in tokens],
        "itself": account.id == principal.account_id,
        "manageable": can_manage(session, principal, account),
    }


def form_choices(session: Session, principal) -> dict:
    """Roles, régions and CPTS the principal may pick (in the forms and the filters)."""
    if not may_manage_accounts(principal):
        return {"roles": (), "regions": [], "cpts": []}
    query = select(Cpts.id, Cpts.name, Cpts.region).order_by(
        Cpts.name.collate(FRENCH_COLLATION), Cpts.id)
    if principal.is_admin:
        roles, codes = ROLES, list(REGIONS)
    else:
        roles, codes = ("coordinator",), sorted(principal.regions)
        query = query.where(Cpts.region.in_(codes))
    regions = sorted(((c, REGIONS.get(c, c)) for c in codes), key=lambda r: french_key(r[1]))
    cpts = [{"id": i, "name": n, "region": REGIONS.get(r or "", r or "")}
            for i, n, r in session.execute(query)]
    return {"roles": roles, "regions": regions, "cpts": cpts}
