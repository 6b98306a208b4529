"""Stand-in for the Annuaire Santé FHIR API v2 (``https://gateway.api.esante.gouv.fr/fhir/v2``).

Speaks its wire format: ``ESANTE-API-KEY`` checked on every request (401 with an
OperationOutcome otherwise), searchset Bundles of ``application/fhir+json`` with ``total``,
``self`` and ``next`` links in the HAPI style the API uses (``<base>?_getpages=<id>&
_getpagesoffset=<n>&_count=<n>&_bundletype=searchset``), ``search.mode`` match / include.
Resources are shaped like the guide's published examples (``IG-fhir-annuaire`` 1.1, DP
profiles: meta.profile, IDNPS/RPPS/FINESS identifiers, FR Core address line extensions, the
INSEE code as a TRE_R13 coding, the profession as a TRE_G15 qualification).

Searches: ``Organization?address-postalcode=`` (prefix), ``PractitionerRole?organization=a,b``
with ``_include``, ``Practitioner?_id=a,b``. Failures on demand: ``fail_with`` (base class:
429 + Retry-After, 500…), ``drop_after(n)`` closes the connection without an answer on the
n-th request from now.
"""
from __future__ import annotations

import uuid

from tests.standins.http_base import RecordedRequest, Response, StandInServer

FHIR = "application/fhir+json;charset=UTF-8"
AS = "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/"
FRCORE = "https://hl7.fr/ig/fhir/core/StructureDefinition/"
V2_0203 = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
NOS = "https://mos.esante.gouv.fr/NOS/"
ADXP = "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-"


def _meta(kind: str) -> dict:
    return {"versionId": "1", "lastUpdated": "2026-01-05T01:00:00.000+01:00",
            "source": "https://annuaire.sante.fr",
            "profile": [f"{FRCORE}fr-core-{kind.lower()}", f"{AS}as-dp-{kind.lower()}"]}


def _ident(system: str, code: str, value: str) -> dict:
    return {"use": "official", "type": {"coding": [{"system": V2_0203, "code": code}]},
            "system": system, "value": value}


def practitioner(rid: str, rpps: str, family: str, given: str, *, prefix: str = "DR",
                 profession: str | None = "10", specialty: str | None = None) -> dict:
    qualification = [{"code": {"coding": [
        {"system": f"{NOS}TRE_R48-DiplomeEtatFrancais/FHIR/TRE-R48-DiplomeEtatFrancais",
         "code": "DE05"}]}}]
    if profession:
        qualification.append({"code": {"coding": [
            {"system": f"{NOS}TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante",
             "code": profession},
            {"system": f"{NOS}TRE_R09-CategorieProfessionnelle/FHIR/"
                       "TRE-R09-CategorieProfessionnelle", "code": "C"}]}})
    if specialty:
        qualification.append({"code": {"coding": [
            {"system": f"{NOS}TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale",
             "code": specialty[0], "display": specialty[1]}]}})
    return {"resourceType": "Practitioner", "id": rid, "meta": _meta("Practitioner"),
            "language": "fr", "active": True,
            "identifier": [_ident("urn:oid:1.2.250.1.71.4.2.1", "IDNPS", "8" + rpps),
                           _ident("https://rpps.esante.gouv.fr", "RPPS", rpps)],
            "name": [{"use": "usual", "prefix": [prefix], "family": family, "given": [given]}],
            "qualification": qualification}


def organization(rid: str, name: str, *, finess: str | None = None, siret: str | None = None,
                 number: str = "12", street_type: str = "R", street: str = "DE LA PAIX",
                 postcode: str = "75014", insee: str = "75114", city: str = "PARIS",
                 phone: str | None = "0145450000") -> dict:
    idents = []
    if finess:
        idents += [_ident("urn:oid:1.2.250.1.71.4.2.2", "IDNST", "1" + finess),
                   _ident("https://finess.esante.gouv.fr", "FINEG", finess)]
    if siret:
        idents += [_ident("urn:oid:1.2.250.1.71.4.2.2", "IDNST", "3" + siret),
                   _ident("https://sirene.fr", "SIRET", siret)]
    line_ext = [{"url": f"{ADXP}houseNumber", "valueString": number},
                {"url": f"{ADXP}streetNameType", "valueString": street_type},
                {"url": f"{ADXP}streetNameBase", "valueString": street}]
    out = {"resourceType": "Organization", "id": rid, "meta": _meta("Organization"),
           "language": "fr", "active": True, "identifier": idents, "name": name,
           "type": [{"coding": [{"system": "https://hl7.fr/ig/fhir/core/CodeSystem/"
                                           "fr-core-cs-v2-3307", "code": "GEOGRAPHICAL-ENTITY"}]}],
           "address": [{"extension": [{
               "url": f"{FRCORE}fr-core-address-insee-code",
               "valueCoding": {"system": f"{NOS}TRE_R13-Commune/FHIR/TRE-R13-Commune",
                               "code": insee}}],
               "line": [None], "_line": [{"extension": line_ext}],
               "city": city, "postalCode": postcode}]}
    if phone:
        out["telecom"] = [{"system": "phone", "value": phone, "rank": 1}]
    return out


def practitioner_role(rid: str, practitioner_id: str, organization_id: str,
                      active: bool = True) -> dict:
    return {"resourceType": "PractitionerRole", "id": rid, "meta": _meta("PractitionerRole"),
            "language": "fr", "active": active,
            "identifier": [{"system": "https://annuaire.sante.fr", "value": f"10{rid}"}],
            "practitioner": {"reference": f"Practitioner/{practitioner_id}"},
            "organization": {"reference": f"Organization/{organization_id}"},
            "code": [{"coding": [
                {"system": f"{NOS}TRE_R22-GenreActivite/FHIR/TRE-R22-GenreActivite",
                 "code": "GENR01"}]},
                {"coding": [{"system": f"{NOS}TRE_R23-ModeExercice/FHIR/TRE-R23-ModeExercice",
                             "code": "L"}]}]}


class AnnuaireStandIn(StandInServer):
    """``organizations``, ``practitioners`` and ``roles`` are lists of resources (mutable)."""

    def __init__(self, api_key: str = "good-key", page_size_cap: int = 1000) -> None:
        super().__init__()
        self.api_key = api_key
        self.page_size_cap = page_size_cap
        self.organizations: list[dict] = []
        self.practitioners: list[dict] = []
        self.roles: list[dict] = []
        self.include_practitioners = True
        self._searches: dict[str, tuple[list[tuple[str, dict]], dict[str, dict]]] = {}
        self._drop_in: int | None = None
        self._drop_status: int | None = None

    @property
    def base(self) -> str:
        return f"{self.root_url}/fhir/v2"

    def drop_after(self, n: int, status: int | None = None) -> None:
        """Close the connection without answering the n-th request from now (1: the next), or
        answer it with ``status`` (a 500: the server fell over)."""
        self._drop_in, self._drop_status = n, status

    def _dispatch(self, handler) -> None:
        if self._drop_in is not None:
            self._drop_in -= 1
            if self._drop_in == 0:
                self._drop_in = None
                if self._drop_status is None:
                    handler.close_connection = True
                    handler.connection.close()
                    return
                self.fail_with(self._drop_status, times=1)
        super()._dispatch(handler)

    def handle(self, request: RecordedRequest) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}  # case-insensitive
        if headers.get("esante-api-key") != self.api_key:
            return self._fhir({"resourceType": "OperationOutcome", "issue": [{
                "severity": "error", "code": "security",
                "diagnostics": "Unauthorized: invalid API key"}]}, 401)
        q = {k: v[-1] for k, v in request.query.items()}
        if request.path == "/fhir/v2" and "_getpages" in q:
            return self._page(q["_getpages"], int(q["_getpagesoffset"]), int(q["_count"]))
        kind = request.path.removeprefix("/fhir/v2/")
        if kind == "Organization":
            prefix = q.get("address-postalcode", "")
            matches = [o for o in self.organizations
                       if o["address"][0]["postalCode"].startswith(prefix)]
            includes = []
        elif kind == "PractitionerRole":
            orgs = set(q.get("organization", "").split(","))
            matches = [r for r in self.roles
                       if r["organization"]["reference"].split("/")[-1] in orgs
                       and (q.get("active") != "true" or r["active"])]
            includes = self._includes(matches, request.query.get("_include", []))
        elif kind == "Practitioner":
            ids = set(q.get("_id", "").split(","))
            matches, includes = [p for p in self.practitioners if p["id"] in ids], []
        else:
            return self._fhir({"resourceType": "OperationOutcome", "issue": [
                {"severity": "error", "code": "not-supported"}]}, 404)
        sid = str(uuid.uuid4())
        self._searches[sid] = ([("match", m) for m in matches], includes)
        return self._page(sid, 0, min(int(q.get("_count", "50")), self.page_size_cap))

    def _includes(self, roles: list[dict], asked: list[str]) -> dict[str, dict]:
        """Per role id, the resources its page must carry (search.mode include)."""
        people = {p["id"]: p for p in self.practitioners}
        orgs = {o["id"]: o for o in self.organizations}
        out: dict[str, dict] = {}
        for role in roles:
            got = []
            if "PractitionerRole:practitioner" in asked and self.include_practitioners:
                got.append(people.get(role["practitioner"]["reference"].split("/")[-1]))
            if "PractitionerRole:organization" in asked:
                got.append(orgs.get(role["organization"]["reference"].split("/")[-1]))
            out[role["id"]] = [g for g in got if g]
        return out

    def _page(self, sid: str, offset: int, count: int) -> Response:
        if sid not in self._searches:
            return self._fhir({"resourceType": "OperationOutcome", "issue": [
                {"severity": "error", "code": "not-found",
                 "diagnostics": f"Search ID '{sid}' does not exist and may have expired"}]}, 410)
        matches, includes = self._searches[sid]
        page = matches[offset:offset + count]
        entries, seen = [], set()
        for mode, res in page:
            entries.append(self._entry(mode, res))
            for inc in includes.get(res["id"], []) if includes else []:
                if (inc["resourceType"], inc["id"]) not in seen:
                    seen.add((inc["resourceType"], inc["id"]))
                    entries.append(self._entry("include", inc))
        links = [{"relation": "self", "url": f"{self.base}?_getpages={sid}&_getpagesoffset="
                                             f"{offset}&_count={count}&_bundletype=searchset"}]
        if offset + count < len(matches):
            links.append({"relation": "next", "url": f"{self.base}?_getpages={sid}&_getpagesoffset="
                                                     f"{offset + count}&_count={count}"
                                                     "&_pretty=true&_bundletype=searchset"})
        return self._fhir({"resourceType": "Bundle", "id": str(uuid.uuid4()),
                           "meta": {"lastUpdated": "2026-01-05T10:00:00.000+01:00"},
                           "type": "searchset", "total": len(matches), "link": links,
                           "entry": entries})

    def _entry(self, mode: str, res: dict) -> dict:
        return {"fullUrl": f"{self.base}/{res['resourceType']}/{res['id']}", "resource": res,
                "search": {"mode": mode}}

    @staticmethod
    def _fhir(payload, status: int = 200) -> Response:
        response = Response.json(payload, status)
        response.content_type = FHIR
        return response
