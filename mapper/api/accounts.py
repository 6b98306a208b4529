"""Accounts for programs and people: create, read, deactivate, reactivate, and their API tokens
(issue, list, revoke). A token is shown once, when issued.

Administrators manage every account; an ARS officer reads, deactivates, reactivates and revokes
the tokens of the coordinator accounts of the CPTS of their régions (the same use cases as the
pages, ``services.accounts.manage``). Creating accounts with a token and issuing tokens stay
with administrators: a token acts as its account."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..db import get_session
from ..http.principal import current_principal, require_role
from ..schemas.accounts import AccountCreateSchema, TokenCreateSchema
from ..services import accounts as svc
from ..services.accounts import manage
from .schemas import SECURITY, AccountCreatedSchema, AccountSchema, TokenIssuedSchema, TokenSchema

blp = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts",
                description="Comptes et jetons d'API (administrateurs)")


@blp.route("", methods=["POST"])
@require_role("admin")
@blp.arguments(AccountCreateSchema)
@blp.response(201, AccountCreatedSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def create(body):
    """Créer un compte et son premier jeton d'API."""
    session = get_session()
    account, token = manage.create_managed(session, current_principal(), email=body["email"],
                                           role=body["role"], regions=body["regions"],
                                           cpts_id=body["cpts"],
                                           professional_id=body["professional"],
                                           with_token=True)
    session.commit()
    return {**svc.account_view(account), "token": token}


@blp.route("/<int:account_id>")
@require_role(*manage.MANAGERS)
@blp.response(200, AccountSchema)
@blp.doc(security=SECURITY)
def get_one(account_id: int):
    """Un compte (sans ses jetons)."""
    return svc.account_view(manage.managed_account(get_session(), current_principal(),
                                                   account_id))


@blp.route("/<int:account_id>/deactivate", methods=["POST"])
@require_role(*manage.MANAGERS)
@blp.response(200, AccountSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def deactivate(account_id: int):
    """Désactiver un compte : ses sessions se ferment, ses jetons sont révoqués."""
    session = get_session()
    account = manage.deactivate(session, current_principal(), account_id)
    session.commit()
    return svc.account_view(account)


@blp.route("/<int:account_id>/reactivate", methods=["POST"])
@require_role(*manage.MANAGERS)
@blp.response(200, AccountSchema)
@blp.doc(security=SECURITY)
def reactivate(account_id: int):
    """Réactiver un compte (ses jetons révoqués le restent)."""
    session = get_session()
    account = manage.reactivate(session, current_principal(), account_id)
    session.commit()
    return svc.account_view(account)


@blp.route("/<int:account_id>/tokens")
@require_role(*manage.MANAGERS)
@blp.response(200, TokenSchema(many=True))
@blp.doc(security=SECURITY)
def tokens(account_id: int):
    """Les jetons d'un compte (jamais leur valeur)."""
    session = get_session()
    return svc.token_views(session, manage.managed_account(session, current_principal(),
                                                           account_id))


@blp.route("/<int:account_id>/tokens", methods=["POST"])
@require_role("admin")
@blp.arguments(TokenCreateSchema, required=False)
@blp.response(201, TokenIssuedSchema)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def issue(body, account_id: int):
    """Émettre un nouveau jeton (affiché une seule fois)."""
    session = get_session()
    token_id, token = svc.issue_account_token(session, svc.get_account(session, account_id),
                                              current_principal(), body.get("label"))
    session.commit()
    return {"id": token_id, "token": token}


@blp.route("/<int:account_id>/tokens", methods=["DELETE"])
@require_role(*manage.MANAGERS)
@blp.response(204)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def revoke_all(account_id: int):
    """Révoquer tous les jetons du compte."""
    session = get_session()
    manage.revoke(session, current_principal(), account_id)
    session.commit()
    return ""


@blp.route("/<int:account_id>/tokens/<int:token_id>", methods=["DELETE"])
@require_role(*manage.MANAGERS)
@blp.response(204)
@blp.doc(security=SECURITY, responses={"409": "CONFLICT"})
def revoke_one(account_id: int, token_id: int):
    """Révoquer un jeton."""
    session = get_session()
    manage.revoke(session, current_principal(), account_id, token_id=token_id)
    session.commit()
    return ""
