"""Practitioner, PractitionerRole and HealthcareService from a public registry entry
(``services.directory.registry``), with the codes and identifiers of the Annuaire Santé FHIR
guide (ANS ``IG-fhir-annuaire``, FR Core):

* the national identifier (IDNPS: ``8`` + RPPS) under ``urn:oid:1.2.250.1.71.4.2.1``, and
  the RPPS number itself under ``https://rpps.esante.gouv.fr``;
* the profession in ``TRE_G15-ProfessionSante`` (the RPPS codes the project already uses:
  10 médecin, 21 pharmacien, 60 infirmier, 70 masseur-kinésithérapeute…); professions a CPTS
  defined itself go in this service's own code system;
* the specialty in ``TRE_R38-SpecialiteOrdinale``; competencies in this service's code system.

Private fields never come here: the entry carries only the public ones.
"""
from __future__ import annotations

from .zones import coverage_area, territorial_divisions

IDNPS = "urn:oid:1.2.250.1.71.4.2.1"
RPPS = "https://rpps.esante.gouv.fr"
ID_TYPES = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
PROFESSION = "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante"
SPECIALTY = ("https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/"
             "TRE-R38-SpecialiteOrdinale")
LOCAL = "https://carto-cpts.fr/fhir/CodeSystem"
LOCAL_PROFESSION = LOCAL + "/profession"
COMPETENCY = LOCAL + "/competence"
CHARACTERISTIC = LOCAL + "/caracteristique"


def identifiers(e: dict) -> list[dict]:
    if not e.get("rpps"):
        return []
    return [{"use": "official", "system": IDNPS, "value": "8" + e["rpps"],
             "type": {"coding": [{"system": ID_TYPES, "code": "IDNPS"}]}},
            {"use": "official", "system": RPPS, "value": e["rpps"],
             "type": {"coding": [{"system": ID_TYPES, "code": "RPPS"}]}}]


def _telecom(e: dict) -> list[dict]:
    out = []
    if e.get("phone"):
        out.append({"system": "phone", "value": e["phone"], "use": "work"})
    if e.get("email"):
        out.append({"system": "email", "value": e["email"], "use": "work"})
    if e.get("website"):
        out.append({"system": "url", "value": e["website"], "use": "work"})
    return out


def profession_code(e: dict) -> dict:
    system = PROFESSION if e["profession_kind"] == "rpps" else LOCAL_PROFESSION
    return {"coding": [{"system": system, "code": e["profession_code"],
                        "display": e["profession_label"]}], "text": e["profession_label"]}


def practitioner(e: dict) -> dict:
    name = {"use": "usual", "family": e["last_name"]}
    if e.get("first_name"):
        name["given"] = [e["first_name"]]
    if e.get("civility"):
        name["prefix"] = [e["civility"]]
    out = {"resourceType": "Practitioner", "id": str(e["id"]), "active": True,
           "identifier": identifiers(e), "name": [name], "telecom": _telecom(e),
           "qualification": [{"code": profession_code(e)}],
           "communication": [{"coding": [{"system": "urn:ietf:bcp:47", "code": lang}]}
                             for lang in e["languages"]]}
    if e.get("last_verified_at"):
        out["meta"] = {"lastUpdated": e["last_verified_at"].isoformat()}
    return {k: v for k, v in out.items() if v != []}


def _specialty(e: dict) -> list[dict]:
    if e.get("specialty_code"):
        coding = {"system": SPECIALTY, "code": e["specialty_code"]}
        if e.get("specialty"):
            coding["display"] = e["specialty"]
        return [{"coding": [coding], "text": e.get("specialty") or e["specialty_code"]}]
    return [{"text": e["specialty"]}] if e.get("specialty") else []


def _organization(e: dict) -> dict | None:
    return {"reference": f"Organization/cpts-{e['cpts_ids'][0]}"} if e["cpts_ids"] else None


def practitioner_role(e: dict) -> dict:
    out = {"resourceType": "PractitionerRole", "id": str(e["id"]), "active": True,
           "identifier": identifiers(e)[1:],
           "practitioner": {"reference": f"Practitioner/{e['id']}",
                            "display": f"{e['first_name']} {e['last_name']}".strip()},
           "organization": _organization(e),
           "code": [profession_code(e)], "specialty": _specialty(e),
           "location": [{"reference": f"Location/site-{s['id']}"} for s in e["sites"]],
           "healthcareService": [{"reference": f"HealthcareService/{e['id']}"}],
           "telecom": _telecom(e)}
    return {k: v for k, v in out.items() if v not in ([], None)}


def _characteristic(code: str, display: str, value: bool | None) -> list[dict]:
    if not value:
        return []
    return [{"coding": [{"system": CHARACTERISTIC, "code": code, "display": display}]}]


def healthcare_service(e: dict, zones: list[dict] | None = None) -> dict:
    """What the professional offers: competencies, home visits (and where: ``coverageArea``,
    see ``fhir.zones``), new patients, teleconsultation, accessibility."""
    zones = zones or []
    out = {"resourceType": "HealthcareService", "id": str(e["id"]), "active": True,
           "extension": territorial_divisions(zones),
           "providedBy": _organization(e),
           "type": [profession_code(e)], "specialty": _specialty(e),
           "location": [{"reference": f"Location/site-{s['id']}"} for s in e["sites"]],
           "coverageArea": coverage_area(zones),
           "name": f"{e['profession_label']} — {e['first_name']} {e['last_name']}".strip(),
           "telecom": _telecom(e),
           "characteristic": [{"coding": [{"system": COMPETENCY, "code": slug,
                                           "display": label}]}
                              for slug, label in e["competencies"]]
           + _characteristic("visites-a-domicile", "Visites à domicile", e["home_visits"])
           + _characteristic("nouveaux-patients", "Accepte de nouveaux patients",
                             e["accepts_new_patients"])
           + _characteristic("teleconsultation", "Téléconsultation", e["teleconsultation"])
           + _characteristic("accessible", "Locaux accessibles", e["accessible"]),
           "communication": [{"coding": [{"system": "urn:ietf:bcp:47", "code": lang}]}
                             for lang in e["languages"]],
           "appointmentRequired": None}
    return {k: v for k, v in out.items() if v not in ([], None)}
