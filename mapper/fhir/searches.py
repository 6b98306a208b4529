"""One search per resource type: the parameters it declares, how they become a service query,
and the FHIR resource of each row. Views stay thin: parse (``params``), call one service
function, wrap in a Bundle."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from ..services.directory import registry, registry_places, registry_zones, sas_slots
from ..services.directory.lookup import resolve_cpts
from . import params as P
from . import people, places, service_search, slots, zones
from . import tokens as T


@dataclass(frozen=True)
class Search:
    params: dict[str, str]  # name -> FHIR type (for the CapabilityStatement), with docs
    run: Callable  # (session, args, offset, count) -> (total, [resource])
    read: Callable  # (session, id str) -> resource


def _int_id(param: str, raw: str) -> int:
    if not raw.isdigit() or len(raw) > 9:
        raise P.bad(param, "identifiant numérique attendu")
    return int(raw)


def _prefixed_id(param: str, raw: str, kinds: tuple[str, ...]) -> tuple[str, int]:
    kind, _, num = raw.partition("-")
    if kind not in kinds or not num.isdigit() or len(num) > 9:
        raise P.bad(param, f"identifiant {'|'.join(kinds)}-<n> attendu")
    return kind, int(num)


def _registry_query(args, offset: int, count: int) -> registry.RegistryQuery:
    ids = args.get("_id")
    return registry.RegistryQuery(
        ids=None if ids is None else [_int_id("_id", i) for i in ids.split(",")],
        rpps=T.rpps_values(args), name=P.text_value(args, "name"),
        postcode=P.text_value(args, "address-postalcode"),
        city=P.text_value(args, "address-city"),
        professions=T.codes(args, "role", people.PROFESSION),
        specialties=T.codes(args, "specialty", people.SPECIALTY), offset=offset, limit=count)


_PEOPLE_PARAMS = {
    "_id": "token", "identifier": "token", "name": "string", "address-postalcode": "string",
    "address-city": "string", "role": "token", "specialty": "token"}


def _people(build) -> Search:
    def run(session, args, offset, count):
        total, rows = registry.find_entries(session, _registry_query(args, offset, count))
        return total, [build(r) for r in rows]

    def read(session, rid):
        return build(registry.entry(session, _int_id("id", rid)))
    return Search(_PEOPLE_PARAMS, run, read)


def _locations(session, args, offset, count):
    ids = args.get("_id")
    found = P.near(args)
    q = registry_places.LocationQuery(
        keys=None if ids is None else [_prefixed_id("_id", i, ("site", "place"))
                                       for i in ids.split(",")],
        name=P.text_value(args, "name"), postcode=P.text_value(args, "address-postalcode"),
        city=P.text_value(args, "address-city"), near=found[0] if found else None,
        radius_km=found[1] if found else None, offset=offset, limit=count)
    total, rows = registry_places.find_locations(session, q)
    return total, [places.location(r) for r in rows]


def _location(session, rid: str) -> dict:
    """A site, a place, or an intervention zone (``zone-<n>``, read only: searches list the
    sites and places, the zones are reached from ``HealthcareService.coverageArea``)."""
    kind, num = _prefixed_id("id", rid, ("site", "place", "zone"))
    if kind == "zone":
        return zones.zone_location(registry_zones.zone(session, num))
    return places.location(registry_places.location(session, kind, num))


def _organisations(session, args, offset, count):
    ids, finess = args.get("_id"), []
    for system, value in P.tokens(args, "identifier"):
        if system not in (places.FINESS, None) or len(value) != 9:
            raise P.bad("identifier", f"FINESS ({places.FINESS}|<9 caractères>) attendu")
        finess.append(value)
    total, rows = registry_places.find_organisations(
        session, keys=None if ids is None else [_prefixed_id("_id", i, ("cpts", "place"))
                                                for i in ids.split(",")],
        name=P.text_value(args, "name"), finess=finess or None, offset=offset, limit=count)
    return total, [places.organization(r) for r in rows]


def _cpts_id(session, args) -> int | None:
    ref = P.text_value(args, "cpts")
    if ref is None:
        return None
    if ref.startswith("Organization/"):
        ref = ref.removeprefix("Organization/")
    if ref.startswith("cpts-") and ref[5:].isdigit():
        ref = ref[5:]
    return resolve_cpts(session, [int(ref) if ref.isdigit() else ref], field="cpts")[0]


def _slots(session, args, offset, count):
    low, high = P.date_range(args, "start")
    if low is not None and high is not None and high - low > timedelta(days=31):
        raise P.bad("start", "fenêtre de 31 jours au plus")
    status = args.get("status")
    if status not in (None, "free", "busy"):
        raise P.bad("status", "free ou busy")
    actors = P.reference_ids(args, "schedule.actor", "PractitionerRole")
    schedules = P.reference_ids(args, "schedule", "Schedule")
    pids = None
    for refs, name in ((actors, "schedule.actor"), (schedules, "schedule")):
        if refs is not None:
            found = [_int_id(name, r) for r in refs]
            pids = found if pids is None else [p for p in pids if p in found]
    q = sas_slots.SlotQuery(start_from=low, start_to=high,
                            free=None if status is None else status == "free",
                            professional_ids=pids, cpts_id=_cpts_id(session, args),
                            offset=offset, limit=count)
    total, rows = sas_slots.find_slots(session, q)
    return total, [slots.slot(r) for r in rows]


def _schedules(session, args, offset, count):
    actors = P.reference_ids(args, "actor", "PractitionerRole")
    total, rows = sas_slots.schedules(
        session, None if actors is None else [_int_id("actor", a) for a in actors],
        cpts_id=_cpts_id(session, args), offset=offset, limit=count)
    return total, [slots.schedule(r) for r in rows]


SEARCHES: dict[str, Search] = {
    "Practitioner": _people(people.practitioner),
    "PractitionerRole": _people(people.practitioner_role),
    "HealthcareService": Search(service_search.PARAMS, service_search.run,
                                service_search.read),
    "Location": Search(
        {"_id": "token", "name": "string", "address-postalcode": "string",
         "address-city": "string", "near": "special"}, _locations, _location),
    "Organization": Search(
        {"_id": "token", "identifier": "token", "name": "string"}, _organisations,
        lambda s, rid: places.organization(registry_places.organisation(
            s, *_prefixed_id("id", rid, ("cpts", "place"))))),
    "Schedule": Search(
        {"actor": "reference", "cpts": "token"}, _schedules,
        lambda s, rid: slots.schedule(sas_slots.schedule(s, _int_id("id", rid)))),
    "Slot": Search(
        {"start": "date", "status": "token", "schedule": "reference",
         "schedule.actor": "reference", "cpts": "token"}, _slots,
        lambda s, rid: slots.slot(sas_slots.slot(s, _int_id("id", rid)))),
}
