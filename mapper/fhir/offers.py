"""``HealthcareService/place-<id>``: what a place (MSP, centre de santé, pharmacie…) offers,
from ``services.directory.registry_offers``:

* ``type``: the place's kind (this service's ``type-lieu`` code system, as its Location);
* ``program``: the public campaigns holding permanences there from now on (code the
  campaign's kind, text its name), and the characteristics ``vaccination`` (one of them is a
  vaccination campaign), ``permanences`` and ``soins-non-programmes`` (on-call shifts are held
  there from now on), ``accessible``;
* ``providedBy``: the place's Organization when it has a FINESS number, else the CPTS that
  lists it; ``location``: its Location.

Places store no opening hours, so there is no ``availableTime``; the dated permanences and
shifts are the Slots' business. Public fields only (never the place's notes).
"""
from __future__ import annotations

from ..labels import CAMPAIGN_KIND, PLACE_KIND
from .places import telecom

LOCAL = "https://carto-cpts.fr/fhir/CodeSystem"
PLACE_TYPE = LOCAL + "/type-lieu"
CAMPAIGN_TYPE = LOCAL + "/type-campagne"
CHARACTERISTIC = LOCAL + "/caracteristique"


def place_type(kind: str) -> dict:
    label = str(PLACE_KIND.get(kind, kind))
    return {"coding": [{"system": PLACE_TYPE, "code": kind, "display": label}], "text": label}


def _characteristic(code: str, display: str) -> dict:
    return {"coding": [{"system": CHARACTERISTIC, "code": code, "display": display}]}


def _characteristics(r: dict) -> list[dict]:
    out = []
    if any(c["kind"].startswith("vaccination") for c in r["campaigns"]):
        out.append(_characteristic("vaccination", "Vaccination"))
    if r["campaigns"]:
        out.append(_characteristic("permanences", "Permanences publiques"))
    if r["on_call"]:
        out.append(_characteristic("soins-non-programmes", "Soins non programmés (astreintes)"))
    if r["accessible"]:
        out.append(_characteristic("accessible", "Locaux accessibles"))
    return out


def _provider(r: dict) -> dict | None:
    if r.get("finess"):
        return {"reference": f"Organization/place-{r['id']}", "display": r["name"]}
    if r.get("cpts_id"):
        return {"reference": f"Organization/cpts-{r['cpts_id']}"}
    return None


def place_service(r: dict) -> dict:
    out = {"resourceType": "HealthcareService", "id": f"place-{r['id']}", "active": True,
           "identifier": [{"system": "urn:oid:1.2.250.1.71.4.2.2", "value": r["finess"]}]
           if r.get("finess") else [],
           "providedBy": _provider(r), "type": [place_type(r["kind"])],
           "location": [{"reference": f"Location/place-{r['id']}", "display": r["name"]}],
           "name": r["name"], "telecom": telecom(r),
           "program": [{"coding": [{"system": CAMPAIGN_TYPE, "code": c["kind"],
                                    "display": str(CAMPAIGN_KIND.get(c["kind"], c["kind"]))}],
                        "text": c["name"]} for c in r["campaigns"]],
           "characteristic": _characteristics(r)}
    return {k: v for k, v in out.items() if v not in ([], None)}
