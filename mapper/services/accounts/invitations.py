"""Inviting a member of a CPTS to claim and keep their own entry.

A coordinator invites the members of their CPTS (an administrator anyone): the entry's
``professional`` account is created if it has none, and a one-time sign-in link (``signin``)
is e-mailed. Scope: an entry that already has an account is invited at that account's own
address only, so an invitation can never hand someone else's account to a new address.

Nothing half-done: the account, the link and the audit are written in the caller's
transaction, the message is sent last, and when the server fails (``MailFailed``) the caller
rolls everything back: no account, no live link, the coordinator is told to try again. No mail
server configured: the link is logged (as ``mapper users invite`` prints it) and the result
says it was not sent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...models import Account, CptsMember, Professional
from ...models.signin import SigninLink
from ...schemas.fields import INT4_MAX
from .. import audit
from . import mail
from .accounts import create_account
from .signin import LINK_LIFETIME, create_signin_link


@dataclass(frozen=True)
class Invitation:
    account_id: int
    email: str
    account_created: bool
    mail_sent: bool
    expires_at: datetime

    def as_dict(self) -> dict:
        return {"account": self.account_id, "email": self.email,
                "account_created": self.account_created, "mail_sent": self.mail_sent,
                "expires_at": self.expires_at.isoformat()}


def can_invite(principal, cpts) -> bool:
    return principal.is_admin or (principal.role == "coordinator"
                                  and principal.cpts_id == cpts.id)


def entry_account(session: Session, professional_id: int) -> Account | None:
    """The account that keeps this entry, if any."""
    return session.scalar(select(Account).where(Account.professional_id == professional_id,
                                                Account.role == "professional")
                          .order_by(Account.id).limit(1))


def invitee(session: Session, principal, cpts, professional_id: int) -> Professional:
    """The entry a principal may invite for this CPTS: 403 out of scope, 404 not a member."""
    if not can_invite(principal, cpts):
        raise Forbidden("Seuls la coordination de cette CPTS et les administrateurs invitent "
                        "ses membres.")
    professional = (session.get(Professional, professional_id)
                    if 1 <= professional_id <= INT4_MAX else None)
    if professional is None:
        raise NotFound(f"Fiche inconnue : {professional_id}.")
    if not principal.is_admin and session.get(CptsMember, (cpts.id, professional_id)) is None:
        raise NotFound("Ce professionnel n'est pas membre de la CPTS.")
    return professional


def _account_for(session: Session, principal, professional: Professional,
                 email: str | None) -> tuple[Account, bool]:
    email = (email or "").strip().lower() or None
    account = entry_account(session, professional.id)
    if account is not None:
        if not account.active:
            raise Conflict("Le compte de ce professionnel est désactivé : voyez avec "
                           "l'administrateur.", errors={"email": ["compte désactivé"]})
        if email and email != account.email:
            message = (f"Cette fiche a déjà un compte, à l'adresse {account.email} : "
                       "l'invitation ne peut être envoyée qu'à cette adresse.")
            raise Conflict(message, errors={"email": [message]})
        return account, False
    if not email:
        raise ValidationFailed("Indiquez l'adresse e-mail du professionnel.",
                               errors={"email": ["Indiquez l'adresse e-mail du professionnel."]})
    account, _ = create_account(session, email=email, role="professional",
                                professional_id=professional.id, actor=principal,
                                with_token=False)
    return account, True


def invite_member(session: Session, principal, cpts, professional_id: int,
                  email: str | None, *, settings: Settings,
                  link_for: Callable[[str], str]) -> Invitation:
    """Create the account if missing, a one-time link, and e-mail it (``link_for`` turns the
    link's token into the URL the member follows). Raises ``mail.MailFailed`` after writing:
    the caller must then roll back."""
    professional = invitee(session, principal, cpts, professional_id)
    account, created = _account_for(session, principal, professional, email)
    _, token = create_signin_link(session, account.email, actor=principal)
    audit.record(session, principal, "cpts.member_invite", "cpts", cpts.id,
                 after={"professional_id": professional.id, "account_id": account.id,
                        "account_created": created})
    session.flush()
    expires_at = session.scalar(select(SigninLink.expires_at)
                                .where(SigninLink.account_id == account.id)
                                .order_by(SigninLink.id.desc()).limit(1))
    name = f"{professional.first_name or ''} {professional.last_name}".strip()
    inviter = ("La coordination de la CPTS" if principal.role == "coordinator"
               else "L'administration de Carto CPTS")
    message = mail.signin_mail(account.email, link_for(token),
                               hours=int(LINK_LIFETIME.total_seconds() // 3600), name=name,
                               cpts_name=cpts.name, inviter=inviter)
    sent = mail.send(settings, message)
    return Invitation(account.id, account.email, created, sent, expires_at)
