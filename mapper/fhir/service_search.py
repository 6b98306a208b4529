"""The HealthcareService search and read: what professionals offer (id: the professional's)
then what places offer (id ``place-<n>``), one searchset paged across both — the
professionals first by id, then the places by id, so a page never sorts the union.

A parameter that only one side knows leaves the other side out: ``role`` and ``specialty``
(professions and specialties), an RPPS ``identifier`` or a numeric ``_id`` select
professionals; a FINESS ``identifier``, a ``place-<n>`` ``_id`` or a place kind in
``service-type`` select places. ``name``, ``address-postalcode`` and ``address-city`` apply to
both (a person's name, a place's name).
"""
from __future__ import annotations

from ..services.directory import registry, registry_offers, registry_zones
from ..vocab import PLACE_KINDS
from . import offers, people, places
from . import params as P
from . import tokens as T

PARAMS = {"_id": "token", "identifier": "token", "name": "string",
          "address-postalcode": "string", "address-city": "string", "role": "token",
          "specialty": "token", "service-type": "token"}
_PROFESSION_SYSTEMS = (None, "", people.PROFESSION, people.LOCAL_PROFESSION)


def _ids(args) -> tuple[list[int] | None, list[int] | None]:
    """(professional ids, place ids) of ``_id``; None: no ``_id``."""
    raw = args.get("_id")
    if raw is None:
        return None, None
    pros, place_ids = [], []
    for part in raw.split(","):
        kind, sep, num = part.rpartition("-")
        if not num.isdigit() or len(num) > 9 or (sep and kind != "place"):
            raise P.bad("_id", "identifiant <n> ou place-<n> attendu")
        (place_ids if sep else pros).append(int(num))
    return pros, place_ids


def _identifiers(args) -> tuple[list[str], list[str]]:
    """(RPPS numbers, FINESS numbers) of ``identifier``."""
    rpps, finess = [], []
    for system, value in P.tokens(args, "identifier"):
        if system == places.FINESS or (system is None and len(value) == 9):
            if len(value) != 9:
                raise P.bad("identifier", "numéro FINESS à 9 caractères attendu")
            finess.append(value)
        else:
            rpps.append(T.rpps_value(system, value))
    return rpps, finess


def _service_types(args) -> tuple[list[str], list[str]]:
    """(profession codes, place kinds) of ``service-type``."""
    professions, kinds = [], []
    for system, code in P.tokens(args, "service-type"):
        if system in (None, "", offers.PLACE_TYPE) and code in PLACE_KINDS:
            kinds.append(code)
        elif system in _PROFESSION_SYSTEMS:
            professions.append(code)
        else:
            raise P.bad("service-type", f"système inconnu : {system}")
    return professions, kinds


def _queries(args):
    """(registry query or None, offer query or None): None leaves that side out."""
    pro_ids, place_ids = _ids(args)
    rpps, finess = _identifiers(args)
    professions, kinds = _service_types(args)
    roles = T.codes(args, "role", people.PROFESSION)
    specialties = T.codes(args, "specialty", people.SPECIALTY)
    if roles and "service-type" in args:
        professions = [p for p in professions if p in roles]
    text = {"name": P.text_value(args, "name"),
            "postcode": P.text_value(args, "address-postalcode"),
            "city": P.text_value(args, "address-city")}

    def wanted(*pairs) -> bool:  # (parameter, what it selected on this side)
        return all(name not in args or bool(found) for name, found in pairs)
    pros = registry.RegistryQuery(
        ids=pro_ids, rpps=rpps, professions=professions or roles, specialties=specialties,
        **text) if wanted(("_id", pro_ids), ("identifier", rpps),
                          ("service-type", professions)) else None
    places_q = registry_offers.OfferQuery(
        ids=place_ids, finess=finess, kinds=kinds, **text) if wanted(
        ("_id", place_ids), ("identifier", finess), ("service-type", kinds), ("role", []),
        ("specialty", [])) else None
    return pros, places_q


def run(session, args, offset: int, count: int) -> tuple[int, list[dict]]:
    """(total, one page): the professionals' offers, then the places'."""
    pros, places_q = _queries(args)
    total, out = 0, []
    if pros is not None:
        pros.offset, pros.limit = offset, count
        total, rows = registry.find_entries(session, pros)
        zones = registry_zones.zones_of(session, [r["id"] for r in rows])
        out = [people.healthcare_service(r, zones.get(r["id"], [])) for r in rows]
    if places_q is not None:
        places_q.offset, places_q.limit = max(0, offset - total), count - len(out)
        found, rows = registry_offers.find_offers(session, places_q)
        total += found
        out += [offers.place_service(r) for r in rows]
    return total, out


def read(session, rid: str) -> dict:
    if rid.startswith("place-") and rid[6:].isdigit() and len(rid) <= 15:
        return offers.place_service(registry_offers.offer(session, int(rid[6:])))
    if not rid.isdigit() or len(rid) > 9:
        raise P.bad("id", "identifiant <n> ou place-<n> attendu")
    entry = registry.entry(session, int(rid))
    zones = registry_zones.zones_of(session, [entry["id"]])
    return people.healthcare_service(entry, zones.get(entry["id"], []))
