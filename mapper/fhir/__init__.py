"""FHIR R4 read API under /fhir (``application/fhir+json``): the public directory as
Practitioner, PractitionerRole, HealthcareService, Organization and Location, and the on-call
shifts as Schedule and Slot for the SAS. Thin views over the directory services
(``searches``); errors as ``OperationOutcome``. See the README's "/fhir" section."""
from __future__ import annotations

from .views import bp

__all__ = ["bp"]
