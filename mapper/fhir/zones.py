"""Intervention zones (home visits) in FHIR R4, from ``services.directory.registry_zones``.

* ``HealthcareService.coverageArea`` → ``Location/zone-<id>``: one Location per zone, an
  *area*: ``mode`` ``instance`` (R4: a specific location, here a specific area — ``kind``
  is for a class of locations, e.g. "a patient's home" in general), ``physicalType`` ``area``
  (location-physical-type: "a defined physical boundary of something, such as a … region"),
  ``type`` PTRES (v3 RoleCode, patient's residence: the care is given at home, inside the
  area), and its geometry in the core extension ``location-boundary-geojson`` (an
  ``application/geo+json`` Attachment, base64; simplified by the service).
* Neither the Annuaire Santé guide nor FR Core defines a home-visit extension; the ANS's ROR
  guide does, for an offer's territory: ``ror-territorial-division`` (type TRE_R201 « 3 »
  commune, code the commune's INSEE code in TRE_R13-CommuneOM, one per commune). A zone made
  of communes is published there too; a radius or a drawn area has no commune list and
  lives in ``coverageArea`` only. The characteristic ``visites-a-domicile`` stays.
"""
from __future__ import annotations

import base64
import json

LOCAL = "https://carto-cpts.fr/fhir/CodeSystem"
BOUNDARY = "http://hl7.org/fhir/StructureDefinition/location-boundary-geojson"
ROR_DIVISION = "https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-territorial-division"
DIVISION_TYPE = ("https://mos.esante.gouv.fr/NOS/TRE_R201-TypeDivisionTerritoriale/FHIR/"
                 "TRE-R201-TypeDivisionTerritoriale")
COMMUNE_CODES = "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM"
PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
#: Communes named in a zone's name before "… (n communes)".
NAMED_COMMUNES = 5


def _km(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def zone_name(z: dict) -> str:
    if z["kind"] == "communes":
        names = [name for _, name in z["commune_names"]] or z["communes"]
        if len(names) > NAMED_COMMUNES:
            return ", ".join(names[:NAMED_COMMUNES]) + f"… ({len(names)} communes)"
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]
    if z["kind"] == "radius":
        around = ", ".join(p for p in (z.get("site_address"), z.get("site_commune")) if p)
        return f"Rayon de {_km(z['radius_km'])} km autour de {around or 'son cabinet'}"
    return "Zone dessinée"


def coverage_area(zones: list[dict]) -> list[dict]:
    return [{"reference": f"Location/zone-{z['id']}", "display": zone_name(z)} for z in zones]


def territorial_divisions(zones: list[dict]) -> list[dict]:
    """The ROR ``ror-territorial-division`` extension, one per commune of the zones."""
    out, seen = [], set()
    for z in zones:
        names = dict(z["commune_names"])
        for code in sorted(z["communes"]):
            if code in seen:
                continue
            seen.add(code)
            coding = {"system": COMMUNE_CODES, "code": code}
            if names.get(code):
                coding["display"] = names[code]
            out.append({"url": ROR_DIVISION, "extension": [
                {"url": "typeTerritorialDivision", "valueCodeableConcept": {"coding": [
                    {"system": DIVISION_TYPE, "code": "3", "display": "Commune"}]}},
                {"url": "codeTerritorialDivision",
                 "valueCodeableConcept": {"coding": [coding]}}]})
    return out


def _boundary(geometry: dict) -> dict:
    data = json.dumps(geometry, separators=(",", ":")).encode()
    return {"url": BOUNDARY, "valueAttachment": {
        "contentType": "application/geo+json", "data": base64.b64encode(data).decode()}}


def zone_location(z: dict) -> dict:
    """``Location/zone-<id>``: the area, its name and its boundary."""
    out = {"resourceType": "Location", "id": f"zone-{z['id']}", "status": "active",
           "mode": "instance", "name": zone_name(z),
           "description": "Zone d'intervention à domicile",
           "type": [{"coding": [{"system": ROLE_CODE, "code": "PTRES",
                                 "display": "patient's residence"}]}],
           "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": "area",
                                        "display": "Area"}]},
           "extension": [_boundary(z["geometry"])]}
    return out
