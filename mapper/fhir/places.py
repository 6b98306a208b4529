"""Location (practice sites and places, with ``position``) and Organization (the CPTS; places
with a FINESS number, identified under ``urn:oid:1.2.250.1.71.4.2.2``) from the public rows of
``services.directory.registry_places``."""
from __future__ import annotations

FINESS = "urn:oid:1.2.250.1.71.4.2.2"
LOCAL = "https://carto-cpts.fr/fhir/CodeSystem"


def _address(r: dict) -> dict | None:
    out = {"use": "work", "type": "physical", "line": [r["address"]] if r.get("address") else [],
           "postalCode": r.get("postcode"), "city": r.get("commune_name"), "country": "FR"}
    out = {k: v for k, v in out.items() if v not in (None, [])}
    return out if len(out) > 3 else None


def telecom(r: dict) -> list[dict]:
    out = [{"system": "phone", "value": r["phone"], "use": "work"}] if r.get("phone") else []
    if r.get("website"):
        out.append({"system": "url", "value": r["website"], "use": "work"})
    return out


def location(r: dict) -> dict:
    rid = f"{r['kind']}-{r['id']}"
    out = {"resourceType": "Location", "id": rid, "status": "active", "mode": "instance",
           "name": r.get("name") or r.get("address"), "address": _address(r),
           "telecom": telecom(r)}
    if r.get("lat") is not None:
        out["position"] = {"latitude": r["lat"], "longitude": r["lon"]}
    if r["kind"] == "place":
        out["type"] = [{"coding": [{"system": LOCAL + "/type-lieu", "code": r["place_kind"]}]}]
        if r.get("finess"):
            out["identifier"] = [{"system": FINESS, "value": r["finess"]}]
            out["managingOrganization"] = {"reference": f"Organization/place-{r['id']}"}
        elif r.get("cpts_id"):
            out["managingOrganization"] = {"reference": f"Organization/cpts-{r['cpts_id']}"}
    if r.get("distance_m") is not None:
        out["extension"] = [{"url": "http://hl7.org/fhir/StructureDefinition/location-distance",
                             "valueDistance": {"value": round(r["distance_m"] / 1000.0, 3),
                                               "unit": "km", "system": "http://unitsofmeasure.org",
                                               "code": "km"}}]
    return {k: v for k, v in out.items() if v not in ([], None)}


def organization(r: dict) -> dict:
    rid = f"{r['kind']}-{r['id']}"
    out = {"resourceType": "Organization", "id": rid, "active": True, "name": r["name"],
           "telecom": telecom(r)}
    if r["kind"] == "cpts":
        out["type"] = [{"coding": [{"system": LOCAL + "/type-organisation", "code": "cpts",
                                    "display": "CPTS"}]}]
        out["identifier"] = [{"system": "https://carto-cpts.fr/cpts", "value": r["slug"]}]
        out["active"] = r["status"] != "rejete"
    else:
        out["type"] = [{"coding": [{"system": LOCAL + "/type-lieu", "code": r["place_kind"]}]}]
        out["identifier"] = [{"system": FINESS, "value": r["finess"]}]
        address = _address(r)
        if address:
            out["address"] = [address]
    return {k: v for k, v in out.items() if v not in ([], None)}
