"""Read the Annuaire Santé FHIR resources into the RPPS import's staging shape.

The codes and identifiers are the guide's (``IG-fhir-annuaire``, FR Core) and the ones our own
FHIR read API emits (``mapper/fhir/people.py``, ``places.py``):

* the person's national identifier IDNPS under ``urn:oid:1.2.250.1.71.4.2.1``: ``8`` + RPPS
  (11 digits), ``0`` + ADELI; else the RPPS under ``https://rpps.esante.gouv.fr``;
* the profession in ``TRE_G15-ProfessionSante`` — in ``PractitionerRole.code`` (API v1) or in
  ``Practitioner.qualification`` (guide 1.1, API v2) — and the specialty in
  ``TRE_R38-SpecialiteOrdinale`` (``PractitionerRole.specialty`` or a qualification);
* the practice site from the Organization's address (FR Core: ``line`` extensions
  houseNumber / buildingNumberSuffix / streetNameType / streetNameBase, the INSEE code in a
  ``TRE_R13-Commune`` coding), its name and phone.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..geocoding import normalise_address
from .rpps_address import address_line

IDNPS = "urn:oid:1.2.250.1.71.4.2.1"
RPPS_SYSTEM = "https://rpps.esante.gouv.fr"
PROFESSION_SYSTEM = "TRE-G15-ProfessionSante"
SPECIALTY_SYSTEM = "TRE-R38-SpecialiteOrdinale"
COMMUNE_SYSTEM = "TRE-R13-Commune"
ADXP = "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-"


def person_id(practitioner: dict) -> tuple[str | None, str | None]:
    """(identifier type ``8``/``0``, the RPPS or ADELI number) or (None, None)."""
    rpps = None
    for ident in practitioner.get("identifier") or ():
        value = str(ident.get("value") or "").strip().upper()
        if ident.get("system") == IDNPS and len(value) > 1 and value[0] in "80":
            return value[0], value[1:]
        if ident.get("system") == RPPS_SYSTEM and value:
            rpps = value
    return ("8", rpps) if rpps else (None, None)


def _codings(concepts) -> list[dict]:
    out = []
    for concept in concepts or ():
        if isinstance(concept, dict):
            out += [c for c in concept.get("coding") or () if isinstance(c, dict)]
    return out


def _find(codings: list[dict], system_part: str) -> tuple[str | None, str | None]:
    for coding in codings:
        if system_part in (coding.get("system") or "") and coding.get("code"):
            return str(coding["code"]), coding.get("display")
    return None, None


def _qualifications(practitioner: dict) -> list[dict]:
    return _codings(q.get("code") for q in practitioner.get("qualification") or ()
                    if isinstance(q, dict))


def profession(role: dict, practitioner: dict) -> tuple[str | None, str | None]:
    code = _find(_codings(role.get("code")), PROFESSION_SYSTEM)
    return code if code[0] else _find(_qualifications(practitioner), PROFESSION_SYSTEM)


def specialty(role: dict, practitioner: dict) -> tuple[str | None, str | None]:
    code = _find(_codings(role.get("specialty")), SPECIALTY_SYSTEM)
    return code if code[0] else _find(_qualifications(practitioner), SPECIALTY_SYSTEM)


def names(role: dict, practitioner: dict) -> tuple[str | None, str | None, str | None]:
    """(civility, first name, last name): the practice name (the role's name extension, as
    API v1 gives it) first, else the Practitioner's name."""
    role_names = [e.get("valueHumanName") for e in role.get("extension") or ()
                  if isinstance(e, dict) and "name" in (e.get("url") or "").lower()]
    for name in role_names + list(practitioner.get("name") or ()):
        if isinstance(name, dict) and name.get("family"):
            given = " ".join(name.get("given") or ()) or None
            prefix = (name.get("prefix") or name.get("suffix") or [None])[0]
            return prefix, given, name["family"]
    return None, None, None


@dataclass
class _Fields:
    street_number: str | None = None
    repetition_index: str | None = None
    street_type_code: str | None = None
    street_type: str | None = None
    street_name: str | None = None
    geo_complement: str | None = None
    distribution_mention: str | None = None
    postcode: str | None = None
    commune_code: str | None = None


_PARTS = {"houseNumber": "street_number", "buildingNumberSuffix": "repetition_index",
          "streetNameType": "street_type_code", "streetNameBase": "street_name",
          "additionalLocator": "geo_complement", "postBox": "distribution_mention"}


def _departement(commune_code: str | None, postcode: str | None) -> str | None:
    code = commune_code or postcode
    if not code or len(code) < 2:
        return None
    if code.startswith("97"):
        return code[:3]
    return commune_code[:2].upper() if commune_code else code[:2]


def address(org: dict) -> dict:
    """line, postcode, commune code and label, key and département of an Organization's
    address (FHIR JSON: a line's extensions are in the parallel ``_line`` array)."""
    addr = next((a for a in org.get("address") or () if isinstance(a, dict)), {})
    fields = _Fields(postcode=(addr.get("postalCode") or "").strip() or None)
    fields.commune_code = _find([e.get("valueCoding") or {} for e in addr.get("extension") or ()
                                 if isinstance(e, dict)], COMMUNE_SYSTEM)[0]
    lines, extras = list(addr.get("line") or ()), list(addr.get("_line") or ())
    texts = [x.strip() for x in lines if isinstance(x, str) and x.strip()]
    for extra in extras:
        for e in (extra or {}).get("extension") or ():
            part = _PARTS.get((e.get("url") or "").removeprefix(ADXP))
            if part and isinstance(e.get("valueString"), str):
                setattr(fields, part, e["valueString"].strip())
    line = address_line(fields) or " ".join(texts) or None
    key = None
    if line and (fields.postcode or fields.commune_code):
        key = normalise_address(line, fields.postcode, fields.commune_code)
    return {"line": line, "postcode": fields.postcode, "commune_code": fields.commune_code,
            "commune_label": addr.get("city"), "key": key,
            "dep": _departement(fields.commune_code, fields.postcode)}


def phone(resource: dict) -> str | None:
    for telecom in resource.get("telecom") or ():
        if isinstance(telecom, dict) and telecom.get("system") == "phone" and telecom.get("value"):
            return str(telecom["value"])
    return None


def reference_id(ref, kind: str) -> str | None:
    """The id of ``{"reference": "Organization/123"}`` (absolute or relative)."""
    value = (ref or {}).get("reference") if isinstance(ref, dict) else None
    if not value or f"{kind}/" not in value:
        return None
    return value.rsplit(f"{kind}/", 1)[1].split("/_history", 1)[0] or None
