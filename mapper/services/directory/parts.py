"""The parts of an entry that a write replaces as a whole: practice sites (placed on the map
on write), intervention zones, weekly slots, competencies and CPTS memberships."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...geo import GeometryError, in_france, parse_areal, to_ewkb_hex
from ...geocoding import normalise_address
from ...models import (CptsMember, InterventionZone, Place, PracticeSite, Professional,
                       ProfessionalCompetency, Slot)
from ..communes import check_known
from ..geocoding import client_for, place_site
from .access import member_cpts_ids

MAX_RADIUS_KM = 100.0


def _site_key(site: dict) -> str:
    return normalise_address(site.get("address"), site.get("postcode"), site.get("commune"))


def _checked_keys(session: Session, sites_in: list[dict]) -> list[str]:
    """The address key of each site, after checking its address, point and place."""
    keys = []
    for i, site in enumerate(sites_in):
        if not (site.get("address") or "").strip():
            raise ValidationFailed("Adresse requise.", errors={f"sites.{i}.address": ["champ requis"]})
        if (site.get("lat") is None) != (site.get("lon") is None):
            raise ValidationFailed("lat et lon vont ensemble.",
                                   errors={f"sites.{i}.lat": ["lat et lon vont ensemble"]})
        if site.get("lat") is not None and not in_france(site["lon"], site["lat"]):
            raise ValidationFailed("Ce point n'est pas en France (lat/lon inversés ?).",
                                   errors={f"sites.{i}.lat": ["point hors de France"]})
        if site.get("place_id") is not None and session.get(Place, site["place_id"]) is None:
            raise ValidationFailed("Lieu inconnu.", errors={
                f"sites.{i}.place_id": [f"aucun lieu n° {site['place_id']}"]})
        key = _site_key(site)
        if key in keys:
            raise ValidationFailed("Deux sites ont la même adresse.",
                                   errors={f"sites.{i}.address": ["adresse en double"]})
        keys.append(key)
    return keys


def replace_sites(session: Session, professional: Professional, sites_in: list[dict],
                   settings, client, source: str) -> list[PracticeSite]:
    """Make the sites exactly ``sites_in`` (in order). An unchanged address keeps its row and
    its geocoding; a new or moved one is placed again."""
    keys = _checked_keys(session, sites_in)
    existing = {s.address_key: s for s in session.scalars(
        select(PracticeSite).where(PracticeSite.professional_id == professional.id))}
    for key, site in list(existing.items()):
        if key not in keys:
            session.delete(site)
    session.flush()
    out = []
    now = datetime.now(timezone.utc)
    for site_in, key in zip(sites_in, keys):
        row = existing.get(key)
        given = site_in.get("lat") is not None
        if row is None or given:
            if client is None and not given:
                client = client_for(settings)
            placement = place_site(session, client, settings.ban_min_score,
                                   address=site_in["address"], postcode=site_in.get("postcode"),
                                   commune_code=site_in.get("commune"),
                                   lat=site_in.get("lat"), lon=site_in.get("lon"))
            if row is None:
                row = PracticeSite(professional_id=professional.id, address_key=key,
                                   address=site_in["address"], source=source)
                session.add(row)
            row.geom = (f"SRID=4326;POINT({placement.lon} {placement.lat})"
                        if placement.lat is not None else None)
            row.geocode_score = placement.score
            row.geocode_source = placement.source
            row.geocode_status = placement.status
            row.precision = placement.precision
            row.geocoded_at = now
            row.commune_code = placement.commune_code
        row.name = site_in.get("name")
        row.address = " ".join(site_in["address"].split())
        row.postcode = site_in.get("postcode")
        if site_in.get("commune"):
            row.commune_code = site_in["commune"]
        row.phone = site_in.get("phone")
        row.place_id = site_in.get("place_id")
        row.updated_at = now
        out.append(row)
    session.flush()
    return out


def _site_at(sites: list[PracticeSite], index, field: str) -> PracticeSite | None:
    if index is None:
        return None
    if not isinstance(index, int) or not 0 <= index < len(sites):
        raise ValidationFailed("Indice de site invalide.",
                               errors={field: [f"aucun site d'indice {index}"]})
    return sites[index]


def replace_zones(session: Session, professional_id: int, zones_in: list[dict],
                   sites: list[PracticeSite], settings) -> None:
    session.execute(delete(InterventionZone).where(
        InterventionZone.professional_id == professional_id))
    for i, zone in enumerate(zones_in):
        field = f"zones.{i}"
        kinds = [k for k in ("communes", "radius_km", "geometry") if zone.get(k) is not None]
        if len(kinds) != 1:
            raise ValidationFailed("Une zone est une liste de communes, un rayon autour d'un "
                                   "site, ou une géométrie dessinée.",
                                   errors={field: ["communes, radius_km ou geometry (un seul)"]})
        if kinds[0] == "communes":
            codes = list(dict.fromkeys(zone["communes"]))
            if not codes:
                raise ValidationFailed("Liste de communes vide.",
                                       errors={f"{field}.communes": ["liste vide"]})
            check_known(session, codes, f"{field}.communes")
            session.execute(text("""
                INSERT INTO intervention_zone (professional_id, kind, communes, geom)
                SELECT :pid, 'communes', CAST(:codes AS varchar[]), ST_Multi(ST_Union(geom))
                FROM commune WHERE code = ANY(CAST(:codes AS varchar[]))
            """), {"pid": professional_id, "codes": codes})
        elif kinds[0] == "radius_km":
            radius = float(zone["radius_km"])
            if not 0 < radius <= MAX_RADIUS_KM:
                raise ValidationFailed("Rayon invalide.", errors={
                    f"{field}.radius_km": [f"entre 0 et {MAX_RADIUS_KM:g} km"]})
            site = _site_at(sites, zone.get("site", 0), f"{field}.site")
            if site is None or site.geom is None:
                raise ValidationFailed("Le site de ce rayon n'est pas localisé.",
                                       errors={f"{field}.site": ["site sans position"]})
            # Buffer on the sphere (geography), in metres: a true 3 km whatever the latitude.
            session.execute(text("""
                INSERT INTO intervention_zone (professional_id, kind, radius_km, site_id, geom)
                SELECT :pid, 'radius', :r, s.id,
                       ST_Multi(ST_Buffer(s.geom::geography, :r * 1000, 'quad_segs=16')::geometry)
                FROM practice_site s WHERE s.id = :sid
            """), {"pid": professional_id, "r": radius, "sid": site.id})
        else:
            try:
                parsed = parse_areal(zone["geometry"], field=f"{field}.geometry",
                                     max_vertices=settings.max_vertices)
            except GeometryError as e:
                raise ValidationFailed(e.reason, errors={e.field: [e.reason]},
                                       extra={"geometry_error": e.as_dict()}) from e
            session.execute(text("""
                INSERT INTO intervention_zone (professional_id, kind, geom)
                VALUES (:pid, 'drawn', ST_Multi(ST_GeomFromEWKB(decode(:wkb, 'hex'))))
            """), {"pid": professional_id, "wkb": to_ewkb_hex(parsed.geom)})


def replace_slots(session: Session, professional_id: int, slots_in: list[dict],
                   sites: list[PracticeSite]) -> None:
    session.execute(delete(Slot).where(Slot.professional_id == professional_id))
    for i, slot in enumerate(slots_in):
        field = f"slots.{i}"
        if slot["start"] == slot["end"]:
            raise ValidationFailed("Créneau vide.", errors={f"{field}.end": [
                "L'heure de fin doit différer de l'heure de début."]})
        if slot.get("valid_from") and slot.get("valid_to") and slot["valid_to"] < slot["valid_from"]:
            raise ValidationFailed("Validité inversée.",
                                   errors={f"{field}.valid_to": ["avant valid_from"]})
        site = _site_at(sites, slot.get("site"), f"{field}.site")
        session.add(Slot(professional_id=professional_id, site_id=site.id if site else None,
                         weekday=slot["weekday"], start_time=slot["start"],
                         end_time=slot["end"], kind=slot["kind"],
                         valid_from=slot.get("valid_from"), valid_to=slot.get("valid_to")))
    session.flush()


def replace_competencies(session: Session, professional_id: int, ids: list[int]) -> None:
    session.execute(delete(ProfessionalCompetency).where(
        ProfessionalCompetency.professional_id == professional_id))
    for cid in ids:
        session.add(ProfessionalCompetency(professional_id=professional_id, competency_id=cid))
    session.flush()


def set_memberships(session: Session, professional_id: int, cpts_ids: list[int]) -> None:
    current = member_cpts_ids(session, professional_id)
    wanted = set(cpts_ids)
    if current - wanted:
        session.execute(delete(CptsMember).where(CptsMember.professional_id == professional_id,
                                                 CptsMember.cpts_id.in_(current - wanted)))
    for cid in sorted(wanted - current):
        session.add(CptsMember(cpts_id=cid, professional_id=professional_id))
    session.flush()
