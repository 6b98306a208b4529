"""SQLAlchemy models, one module per concept. Importing this package registers them all."""
from .account import ROLES, Account, ApiToken
from .audit import AuditEvent
from .base import Base
from .commune import CITY_ARRONDISSEMENTS, Commune

__all__ = ["ROLES", "Account", "ApiToken", "AuditEvent", "Base", "CITY_ARRONDISSEMENTS", "Commune"]
