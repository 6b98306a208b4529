"""Managing accounts within a scope: one set of use cases for the pages (``/admin/comptes``),
the API (``/api/v1/accounts``) and the command line (``mapper users``, a system principal).

Least privilege: an administrator manages every account; an ARS officer only the coordinator
accounts of the CPTS of their régions (creates, invites, deactivates, reactivates, revokes
their tokens) and sees nothing else; every other role is refused. The scope is checked here,
on the server, whatever a form or a request claims: a tampered form cannot create an account
outside the officer's scope. Nobody deactivates or revokes their own account (the last
administrator cannot lock everyone out).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import Conflict, Forbidden
from ...models import Account, Cpts
from ...schemas.fields import INT4_MAX
from .. import audit
from . import mail
from .accounts import create_account, deactivate_account, get_account, revoke_tokens
from .signin import LINK_LIFETIME, create_signin_link

MANAGERS = ("admin", "ars")
OUT_OF_SCOPE = "Ce compte n'est pas dans le périmètre de votre compte."


@dataclass(frozen=True)
class Sent:
    """An invitation: the account, whether the mail left, and the link when it did not (no
    mail server configured: the person who invites passes it on, as ``users invite`` prints
    it)."""
    account: Account
    mail_sent: bool
    link: str | None


def may_manage_accounts(principal) -> bool:
    return principal.role in MANAGERS


def _cpts_region(session: Session, cpts_id) -> str | None:
    if not isinstance(cpts_id, int) or not 1 <= cpts_id <= INT4_MAX:
        return None
    return session.scalar(select(Cpts.region).where(Cpts.id == cpts_id))


def can_manage(session: Session, principal, account: Account) -> bool:
    if principal.is_admin:
        return True
    return (principal.role == "ars" and account.role == "coordinator"
            and _cpts_region(session, account.cpts_id) in principal.regions)


def managed_account(session: Session, principal, ref) -> Account:
    """The account ``ref`` (id or e-mail) when ``principal`` may manage it; 403 otherwise
    (an account outside the scope is refused like one that does not exist would be)."""
    if not may_manage_accounts(principal):
        raise Forbidden("Votre compte ne permet pas de gérer les comptes.")
    account = get_account(session, ref)
    if not can_manage(session, principal, account):
        raise Forbidden(OUT_OF_SCOPE)
    return account


def check_role(principal, role: str) -> None:
    """403 unless ``principal`` may create accounts of ``role`` (checked before anything the
    role's scope would look up)."""
    if principal.is_admin:
        return
    if principal.role != "ars":
        raise Forbidden("Votre compte ne permet pas de créer des comptes.")
    if role != "coordinator":
        raise Forbidden("Vous ne pouvez créer que des comptes de coordination de CPTS.",
                        errors={"role": ["seuls les comptes de coordination de CPTS de vos "
                                         "régions vous sont ouverts"]})


def _check_new_scope(session: Session, principal, role: str, cpts_id) -> None:
    check_role(principal, role)
    if principal.is_admin:
        return
    if cpts_id is None or not isinstance(cpts_id, int) or not 1 <= cpts_id <= INT4_MAX:
        return  # create_account names the missing or unknown CPTS
    cpts = session.get(Cpts, cpts_id)
    if cpts is not None and cpts.region not in principal.regions:
        raise Forbidden("Cette CPTS n'est pas dans votre région.",
                        errors={"cpts": ["cette CPTS n'est pas dans votre région"]})


def create_managed(session: Session, principal, *, email: str, role: str, regions=(),
                   cpts_id=None, professional_id=None,
                   with_token: bool = False) -> tuple[Account, str | None]:
    """``create_account`` within the principal's scope; only the scope of the role is kept
    (a coordinator account carries no région, whatever the request sent)."""
    _check_new_scope(session, principal, role, cpts_id)
    return create_account(session, email=email, role=role,
                          regions=regions if role == "ars" else (),
                          cpts_id=cpts_id if role == "coordinator" else None,
                          professional_id=professional_id if role == "professional" else None,
                          actor=principal, with_token=with_token)


def invite(session: Session, principal, account: Account, *, settings: Settings,
           link_for: Callable[[str], str]) -> Sent:
    """A one-time sign-in link for a managed, active account, e-mailed (the same message as
    ``mapper users invite``). Raises ``mail.MailFailed`` after writing: the caller rolls back."""
    if not can_manage(session, principal, account):
        raise Forbidden(OUT_OF_SCOPE)
    if not account.active:
        raise Conflict("Ce compte est désactivé : réactivez-le avant de l'inviter.",
                       errors={"account": ["compte désactivé"]})
    _, token = create_signin_link(session, account.email, actor=principal)
    session.flush()
    link = link_for(token)
    message = mail.signin_mail(account.email, link,
                               hours=int(LINK_LIFETIME.total_seconds() // 3600))
    sent = mail.send(settings, message)
    return Sent(account, sent, None if sent else link)


def create_and_invite(session: Session, principal, *, settings: Settings,
                      link_for: Callable[[str], str], **fields) -> Sent:
    """A new account (no API token: the person signs in by the link) and its invitation, in
    the caller's transaction (nothing kept when the mail fails: the caller rolls back)."""
    account, _ = create_managed(session, principal, **fields)
    return invite(session, principal, account, settings=settings, link_for=link_for)


def deactivate(session: Session, principal, ref) -> Account:
    account = managed_account(session, principal, ref)
    deactivate_account(session, account, principal)
    return account


def reactivate(session: Session, principal, ref) -> Account:
    """Sign-in possible again (by password or a new invitation); revoked tokens stay revoked."""
    account = managed_account(session, principal, ref)
    if not account.active:
        account.active = True
        audit.record(session, principal, "account.reactivate", "account", account.id)
    return account


def revoke(session: Session, principal, ref, token_id: int | None = None) -> int:
    account = managed_account(session, principal, ref)
    return revoke_tokens(session, account, principal, token_id=token_id)
