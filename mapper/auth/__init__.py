"""Accounts' credentials and scopes: the Principal value, API tokens, password hashing.

No Flask: ``mapper.http.principal`` resolves the principal of a request.
"""
from .principal import ANONYMOUS, Principal

__all__ = ["ANONYMOUS", "Principal"]
