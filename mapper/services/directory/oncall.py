"""Who is on call: "now and later today" for a CPTS, the holder's next shifts, and the CPTS
whose rota someone may see.

"Now and later today" is every shift of the CPTS whose range meets ``[now, end of today)``
(Europe/Paris: the end of today is the next local midnight), i.e. ``ends_at > now`` and
``starts_at < end of today``: one range overlap, answered by the GiST index of migration
0011. Shifts with a free place come first, then the nearest (distance on ``geography``, from
the given point or the signed-in professional's own first located site), then the earliest.

A shift is located at its place, else its site, else the holder's first located site. The
phone shown is the practice's (place, site, then the entry's public phone); the private phone
comes too: the rota is members-only (``rota_access.require_view_rota``).

Writes (reservations, free places) are in ``oncall_places``.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...errors import NotFound
from ...models import Cpts, CptsMember
from ...vocab import FRENCH_COLLATION
from .calendar import PARIS, local_instant
from .colleague_access import visible_among
from .rota_access import can_view_rota, require_view_rota

#: The shift, its holder and where it happens (``:origin`` is a geography or NULL).
_SELECT = """
SELECT s.id, s.cpts_id, s.on_date, s.start_time, s.end_time, s.starts_at, s.ends_at,
       s.free_places, s.note, s.updated_by, s.updated_at,
       p.id AS professional_id, p.first_name, p.last_name, p.profession_code,
       pr.label AS profession_label, p.private_phone,
       CASE WHEN pl.id IS NOT NULL THEN 'place' WHEN ss.id IS NOT NULL THEN 'site'
            WHEN fs.id IS NOT NULL THEN 'site' END AS location_kind,
       pl.kind AS place_kind,
       COALESCE(pl.name, ss.name, fs.name) AS location_name,
       COALESCE(pl.address, ss.address, fs.address) AS address,
       COALESCE(pl.postcode, ss.postcode, fs.postcode) AS postcode,
       COALESCE(pl.commune_name, ss.commune_name, fs.commune_name) AS commune_name,
       COALESCE(pl.phone, ss.phone, fs.phone, p.phone) AS phone,
       ST_Y(COALESCE(pl.geom, ss.geom, fs.geom)) AS lat,
       ST_X(COALESCE(pl.geom, ss.geom, fs.geom)) AS lon,
       ST_Distance(COALESCE(pl.geom, ss.geom, fs.geom)::geography, CAST(:origin AS geography))
           AS distance_m
FROM shift s
JOIN professional p ON p.id = s.professional_id
JOIN profession pr ON pr.code = p.profession_code
LEFT JOIN place pl ON pl.id = s.place_id
LEFT JOIN practice_site ss ON ss.id = s.site_id
LEFT JOIN LATERAL (
    SELECT f.id, f.name, f.address, f.postcode, f.commune_name, f.phone, f.geom
    FROM practice_site f
    WHERE s.place_id IS NULL AND s.site_id IS NULL AND f.professional_id = p.id
    ORDER BY f.geom IS NULL, f.id LIMIT 1) fs ON true
"""

_TODAY = text(_SELECT + """
WHERE s.cpts_id = :cpts_id AND tstzrange(s.starts_at, s.ends_at) && tstzrange(:now, :until)
ORDER BY s.free_places > 0 DESC, distance_m NULLS LAST, s.starts_at, s.id
LIMIT :limit
""")

_MINE = text(_SELECT + """
WHERE s.professional_id = :professional_id AND s.ends_at > :now
ORDER BY s.starts_at, s.id
LIMIT :limit
""")

_RESERVATIONS = text("""
SELECT r.shift_id, r.reserved_at, r.note, r.actor,
       NULLIF(trim(p.first_name || ' ' || p.last_name), '') AS reserved_by
FROM shift_reservation r LEFT JOIN professional p ON p.id = r.professional_id
WHERE r.shift_id = ANY(:ids) AND r.cancelled_at IS NULL
ORDER BY r.reserved_at, r.id
""")

#: The CPTS (by id or slug), the facts of the access rule and the principal's own site, in
#: one round trip.
_CONTEXT = text("""
SELECT c.id, c.slug, c.name, c.region,
       EXISTS (SELECT 1 FROM cpts_member m
               WHERE m.cpts_id = c.id AND m.professional_id = :pid) AS member,
       site.lat, site.lon, site.address, site.commune_name
FROM cpts c
LEFT JOIN LATERAL (
    SELECT ST_Y(f.geom) AS lat, ST_X(f.geom) AS lon, f.address, f.commune_name
    FROM practice_site f WHERE f.professional_id = :pid AND f.geom IS NOT NULL
    ORDER BY f.id LIMIT 1) site ON true
WHERE c.id = :id OR c.slug = :slug
ORDER BY c.id = :id DESC NULLS LAST LIMIT 1
""")

_ORIGIN = "SRID=4326;POINT({lon} {lat})"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def end_of_local_day(now: datetime) -> datetime:
    """The next Europe/Paris midnight after ``now`` (UTC)."""
    today = now.astimezone(PARIS).date()
    return local_instant(today + timedelta(days=1), time(0, 0))


def _shift_out(row, now: datetime) -> dict:
    m = row._mapping
    distance = m["distance_m"]
    return {
        "id": m["id"], "cpts_id": m["cpts_id"], "on_date": m["on_date"].isoformat(),
        "start": m["start_time"].strftime("%H:%M"), "end": m["end_time"].strftime("%H:%M"),
        "starts_at": m["starts_at"].isoformat(), "ends_at": m["ends_at"].isoformat(),
        "now": m["starts_at"] <= now < m["ends_at"], "finished": m["ends_at"] <= now,
        "free_places": m["free_places"], "note": m["note"],
        "updated_by": m["updated_by"], "updated_at": m["updated_at"].isoformat(),
        "professional": {"id": m["professional_id"], "first_name": m["first_name"],
                         "last_name": m["last_name"], "profession": m["profession_code"],
                         "profession_label": m["profession_label"]},
        "location": {"kind": m["location_kind"], "place_kind": m["place_kind"],
                     "name": m["location_name"], "address": m["address"],
                     "postcode": m["postcode"], "commune_name": m["commune_name"],
                     "lat": m["lat"], "lon": m["lon"]},
        "phone": m["phone"], "private_phone": m["private_phone"],
        "distance_km": None if distance is None else round(distance / 1000, 2),
    }


def _context(session: Session, principal, id_or_slug) -> dict:
    key = str(id_or_slug).strip()
    number = int(key) if key.isascii() and key.isdecimal() and len(key) < 10 else None
    row = session.execute(_CONTEXT, {"id": number, "slug": key.lower(),
                                     "pid": getattr(principal, "professional_id", None)}
                          ).mappings().first()
    if row is None:
        raise NotFound(f"CPTS inconnue : {key}.")
    return dict(row)


def oncall_today(session: Session, principal, id_or_slug, *,
                 near: tuple[float, float] | None = None, now: datetime | None = None,
                 limit: int = 200) -> dict:
    """Who is on call in the CPTS ``id_or_slug`` now and later today (see the module
    docstring).

    ``near`` is a (lat, lon); without it, the distance is from the signed-in professional's
    own first located site (none: no distance, free places then time decide)."""
    ctx = _context(session, principal, id_or_slug)
    require_view_rota(session, principal, ctx["id"],
                      facts={"region": ctx["region"], "member": ctx["member"]})
    now = now or utcnow()
    until = end_of_local_day(now)
    origin = None
    if near is not None:
        origin = {"lat": near[0], "lon": near[1], "source": "given", "address": None}
    elif ctx["lat"] is not None:
        origin = {"lat": ctx["lat"], "lon": ctx["lon"], "address": ctx["address"],
                  "commune_name": ctx["commune_name"], "source": "own_site"}
    point = None if origin is None else _ORIGIN.format(lat=origin["lat"], lon=origin["lon"])
    rows = session.execute(_TODAY, {"cpts_id": ctx["id"], "now": now, "until": until,
                                    "origin": point, "limit": limit}).all()
    shifts = [_shift_out(r, now) for r in rows]
    # the direct line is a professional-only field: the colleague rule decides (not an ARS)
    visible = visible_among(session, principal, {s["professional"]["id"] for s in shifts})
    for shift in shifts:
        if shift["professional"]["id"] not in visible:
            shift["private_phone"] = None
    return {"cpts": {"id": ctx["id"], "slug": ctx["slug"], "name": ctx["name"]},
            "now": now.isoformat(), "until": until.isoformat(), "origin": origin,
            "shifts": shifts, "count": len(shifts)}


def my_next_shifts(session: Session, professional_id: int, *, now: datetime | None = None,
                   limit: int = 30) -> list[dict]:
    """The holder's shifts not yet over, earliest first, each with its live reservations."""
    now = now or utcnow()
    rows = session.execute(_MINE, {"professional_id": professional_id, "now": now,
                                   "origin": None, "limit": limit}).all()
    shifts = [_shift_out(r, now) for r in rows]
    by_id = {s["id"]: s for s in shifts}
    for s in shifts:
        s["reservations"] = []
    if by_id:
        for r in session.execute(_RESERVATIONS, {"ids": list(by_id)}).mappings():
            by_id[r["shift_id"]]["reservations"].append(
                {"reserved_at": r["reserved_at"].isoformat(), "note": r["note"],
                 "reserved_by": r["reserved_by"] or actor_name(r["actor"])})
    return shifts


def actor_name(actor: str | None) -> str | None:
    """``account:3 (a@b.fr)`` (the audit's actor) as ``a@b.fr``; anything else as it is."""
    if actor and actor.startswith("account:") and actor.endswith(")") and " (" in actor:
        return actor[actor.index(" (") + 2:-1]
    return actor


def rota_cpts_for(session: Session, principal) -> list[dict]:
    """The CPTS whose rota ``principal`` may see, by name (``/astreintes``)."""
    if principal is None or principal.is_anonymous:
        return []
    query = select(Cpts.id, Cpts.slug, Cpts.name).order_by(
        Cpts.name.collate(FRENCH_COLLATION), Cpts.id)
    if principal.role == "professional":
        query = query.join(CptsMember, CptsMember.cpts_id == Cpts.id).where(
            CptsMember.professional_id == principal.professional_id)
    elif principal.role == "coordinator":
        query = query.where(Cpts.id == principal.cpts_id)
    elif principal.role == "ars":
        query = query.where(Cpts.region.in_(sorted(principal.regions)))
    elif not principal.is_admin:
        return []
    return [{"id": i, "slug": s, "name": n} for i, s, n in session.execute(query)
            if can_view_rota(session, principal, i)]
