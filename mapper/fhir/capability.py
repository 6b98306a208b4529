"""The CapabilityStatement of /fhir/metadata: every resource type with its interactions
(read, search-type) and its declared search parameters (``searches``)."""
from __future__ import annotations

from ..http.links import absolute
from .searches import SEARCHES

DOCS = {
    "near": "lat|lon|distance|km (5 km par défaut, 100 km au plus), les plus proches d'abord",
    "cpts": "CPTS (id, slug ou Organization/cpts-<id>) : les créneaux de ses astreintes",
    "start": "ge/le/gt/lt/eq + date ou instant ISO 8601 (fenêtre de 31 jours au plus)",
    "identifier": "RPPS (https://rpps.esante.gouv.fr|n), IDNPS (urn:oid:1.2.250.1.71.4.2.1|8n),"
                  " FINESS (urn:oid:1.2.250.1.71.4.2.2|n)",
    "role": "profession, TRE_G15-ProfessionSante (10, 21, 60, 70…)",
    "specialty": "spécialité, TRE_R38-SpecialiteOrdinale",
    "service-type": "profession (TRE_G15-ProfessionSante) ou type de lieu (msp, centre_sante,"
                    " pharmacie…, https://carto-cpts.fr/fhir/CodeSystem/type-lieu)",
}
#: What each resource type holds, beyond its search parameters.
RESOURCE_DOCS = {
    "HealthcareService": (
        "L'offre d'un professionnel (id : celui du professionnel) puis celle d'un lieu "
        "(id : place-<n> ; type de lieu, campagnes à venir, astreintes, accessibilité). "
        "Visites à domicile : caractéristique visites-a-domicile, coverageArea vers une "
        "Location/zone-<n> par zone d'intervention, et, pour les zones faites de communes, "
        "l'extension ror-territorial-division du ROR (ANS) ; le guide Annuaire Santé et "
        "FR Core ne définissent pas d'extension de visite à domicile. Les lieux n'ont pas "
        "d'horaires enregistrés : pas d'availableTime."),
    "Location": (
        "Sites d'exercice (site-<n>) et lieux (place-<n>) ; les recherches, near compris, "
        "ne rendent que ceux-là. Les zones d'intervention (zone-<n>, physicalType area, "
        "extension location-boundary-geojson, géométrie simplifiée à ≈ 20 m) se lisent "
        "par leur id, depuis HealthcareService.coverageArea."),
}


def capability_statement() -> dict:
    resources = []
    for kind, search in SEARCHES.items():
        resources.append({
            "type": kind,
            **({"documentation": RESOURCE_DOCS[kind]} if kind in RESOURCE_DOCS else {}),
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": name, "type": kind_of, **(
                {"documentation": DOCS[name]} if name in DOCS else {})}
                for name, kind_of in search.params.items()]
            + [{"name": "_count", "type": "number", "documentation": "1 à 100 (20)"},
               {"name": "_offset", "type": "number", "documentation": "rang de départ"}]})
    return {"resourceType": "CapabilityStatement", "status": "active",
            "date": "2026-12-02", "kind": "instance", "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "software": {"name": "Carto CPTS"},
            "implementation": {"description": "Annuaire public et créneaux d'astreinte",
                               "url": absolute("/fhir")},
            "rest": [{"mode": "server", "resource": resources}]}
