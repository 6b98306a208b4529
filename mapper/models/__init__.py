"""SQLAlchemy models, one module per concept. Importing this package registers them all."""
from .account import Account, ApiToken
from .audit import AuditEvent
from .base import Base
from .commune import (CITY_ARRONDISSEMENTS, Commune, CommuneAccessibility, CommunePopulationAge,
                      Postcode)
from .signin import LoginAttempt, LoginThrottle, SigninLink, SigninSession
from .cpts import (Arbitration, ArbitrationCpts, Cpts, CptsCommune,
                   CptsDrawnCommune, CptsPart, CptsValidatedCommune)
from .conciliation import OverlapConciliation
from .iris import CptsIris, Iris
from .place import Closure, Place
from .rota import Shift, ShiftReservation
from .rota_hours import RotaHours
from .campaign import Campaign, Permanence
from .directory import (Competency, CptsMember, GeocodeCache, InterventionZone, PracticeSite,
                        Profession, Professional, ProfessionalCompetency, Slot)

__all__ = ["Account", "ApiToken", "AuditEvent", "Base", "CITY_ARRONDISSEMENTS", "Commune", "CommuneAccessibility", "CommunePopulationAge",
           "Postcode",
           "Arbitration", "ArbitrationCpts", "Cpts", "CptsCommune", "CptsPart",
           "CptsValidatedCommune", "CptsDrawnCommune", "OverlapConciliation",
           "LoginAttempt", "LoginThrottle", "SigninLink", "SigninSession",
           "Competency", "CptsMember", "GeocodeCache", "InterventionZone", "PracticeSite",
           "Profession", "Professional", "ProfessionalCompetency", "Slot",
           "Closure", "CptsIris", "Iris", "Place", "Shift", "ShiftReservation", "RotaHours", "Campaign", "Permanence"]
