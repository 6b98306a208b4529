"""Schedule and Slot from the public shifts (``services.directory.sas_slots``), shaped like
the SAS aggregator profiles: one Schedule per holder (actor: their PractitionerRole), one Slot
per shift, ``free`` while a place is free, ``busy`` otherwise."""
from __future__ import annotations

SERVICE_TYPE = {"coding": [{"system": "https://carto-cpts.fr/fhir/CodeSystem/type-creneau",
                            "code": "astreinte", "display": "Astreinte (soins non programmés)"}]}


def schedule(r: dict) -> dict:
    return {"resourceType": "Schedule", "id": str(r["professional_id"]), "active": True,
            "serviceType": [SERVICE_TYPE],
            "actor": [{"reference": f"PractitionerRole/{r['professional_id']}"}],
            "planningHorizon": {"start": r["first_start"].isoformat(),
                                "end": r["last_end"].isoformat()}}


def slot(r: dict) -> dict:
    return {"resourceType": "Slot", "id": str(r["id"]),
            "meta": {"lastUpdated": r["updated_at"].isoformat()},
            "serviceType": [SERVICE_TYPE],
            "schedule": {"reference": f"Schedule/{r['professional_id']}"},
            "status": "free" if r["free_places"] > 0 else "busy",
            "start": r["starts_at"].isoformat(), "end": r["ends_at"].isoformat(),
            "comment": f"{r['free_places']} place(s) libre(s)"}
