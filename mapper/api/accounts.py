"""Accounts for programs and people (admin only). The token is returned once."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import require_role
from ..auth.principal import current_principal
from ..db import get_session
from ..services.accounts import create_account

blp = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts",
                description="Comptes et jetons d'API (administrateurs)")


class AccountCreateSchema(Schema):
    email = fields.Email(required=True)
    role = fields.String(required=True,
                         validate=validate.OneOf(["admin", "ars", "coordinator", "professional"]))
    regions = fields.List(fields.String(validate=validate.Length(equal=2)), load_default=list)
    cpts = fields.Integer(load_default=None)
    professional = fields.Integer(load_default=None)


class AccountCreatedSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    regions = fields.List(fields.String())
    cpts = fields.Integer(allow_none=True)
    professional = fields.Integer(allow_none=True)
    token = fields.String(metadata={"description": "Affiché une seule fois."})


@blp.route("", methods=["POST"])
@require_role("admin")
@blp.arguments(AccountCreateSchema)
@blp.response(201, AccountCreatedSchema)
@blp.doc(security=[{"bearer": []}])
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
