"""Accounts for programs and people (admin only). The token is returned once."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..db import get_session
from ..http.principal import current_principal, require_role
from ..schemas.accounts import AccountCreateSchema
from ..services.accounts import create_account
from .schemas import SECURITY, AccountCreatedSchema

blp = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts",
                description="Comptes et jetons d'API (administrateurs)")


@blp.route("", methods=["POST"])
@require_role("admin")
@blp.arguments(AccountCreateSchema)
@blp.response(201, AccountCreatedSchema)
@blp.doc(security=SECURITY)
def create(body):
    """Créer un compte et son premier jeton d'API."""
    session = get_session()
    account, token = create_account(session, email=body["email"], role=body["role"],
                                    regions=body["regions"], cpts_id=body["cpts"],
                                    professional_id=body["professional"],
                                    actor=current_principal())
    session.commit()
    return {"id": account.id, "email": account.email, "role": account.role,
            "regions": account.regions, "cpts": account.cpts_id,
            "professional": account.professional_id, "token": token}
