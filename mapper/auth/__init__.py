"""Accounts, API tokens, roles and scopes."""
from .principal import ANONYMOUS, Principal, current_principal, require_auth, require_role

__all__ = ["ANONYMOUS", "Principal", "current_principal", "require_auth", "require_role"]
