"""Read the dated permanences of a CPTS's campaigns: the one query behind the public page, the
widget, the iCalendar feeds and the CSV export.

A permanence is at a place (``place``) or at a professional's practice site; either way it is
returned under ``place`` with the same public fields (a site gives its name or its
professional's, its public phone, the kind of the place it belongs to or ``cabinet``). Private
fields (a professional's private phone or e-mail) are never read here.

One SQL statement, no ORM loads per row: a feed of thousands of permanences stays fast.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import Text, and_, cast, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session, aliased

from ...models import Campaign, Commune, Permanence, PracticeSite, Professional
from ...models.place import Place
from .calendar import local_instant

_SITE_PLACE = aliased(Place)


def _instant(value: date | datetime) -> datetime:
    """A datetime as is (naive: UTC); a date: the start of that day in Paris."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return local_instant(value, time(0, 0))


def _location_columns():
    """The public fields of the place, or of the site, a permanence is at (one of the two)."""
    geom = func.coalesce(Place.geom, PracticeSite.geom)
    site_name = func.coalesce(PracticeSite.name, _SITE_PLACE.name, func.trim(
        func.concat(Professional.first_name, literal(" "), Professional.last_name)))
    return [
        func.coalesce(Place.name, site_name).label("loc_name"),
        func.coalesce(Place.kind, _SITE_PLACE.kind, literal("cabinet")).label("loc_kind"),
        func.coalesce(Place.address, PracticeSite.address).label("loc_address"),
        func.coalesce(Place.postcode, PracticeSite.postcode).label("loc_postcode"),
        func.coalesce(Place.commune_name, PracticeSite.commune_name,
                      Commune.name).label("loc_commune"),
        func.ST_Y(geom).label("loc_lat"), func.ST_X(geom).label("loc_lon"),
        func.coalesce(Place.phone, PracticeSite.phone, Professional.phone).label("loc_phone"),
        func.coalesce(Place.accessible, _SITE_PLACE.accessible,
                      Professional.accessible).label("loc_accessible"),
    ]


def permanences_query(cpts_id: int | None, *, campaign_id: int | None = None, kind: str | None = None,
                      since: date | datetime | None = None, until: date | datetime | None = None,
                      public_only: bool = True):
    """The select behind ``upcoming_permanences`` (ordered by start, then id); ``cpts_id``
    None: every CPTS (one permanence by id)."""
    stmt = (
        select(Permanence.id, Permanence.place_id, Permanence.site_id, Permanence.on_date,
               Permanence.start_time, Permanence.end_time, Permanence.starts_at,
               Permanence.ends_at, Permanence.appointment, Permanence.notes,
               Permanence.capacity, Permanence.sequence, Permanence.updated_at,
               Campaign.id.label("c_id"), Campaign.slug.label("c_slug"),
               Campaign.name.label("c_name"), Campaign.kind.label("c_kind"),
               Campaign.public.label("c_public"), *_location_columns())
        .join(Campaign, Campaign.id == Permanence.campaign_id)
        .outerjoin(Place, Place.id == Permanence.place_id)
        .outerjoin(PracticeSite, PracticeSite.id == Permanence.site_id)
        .outerjoin(_SITE_PLACE, _SITE_PLACE.id == PracticeSite.place_id)
        .outerjoin(Professional, Professional.id == PracticeSite.professional_id)
        .outerjoin(Commune, Commune.code == func.coalesce(Place.commune_code,
                                                          PracticeSite.commune_code))
        .order_by(Permanence.starts_at, Permanence.id)
    )
    conditions = []
    if cpts_id is not None:
        conditions.append(Campaign.cpts_id == cpts_id)
    if campaign_id is not None:
        conditions.append(Campaign.id == campaign_id)
    if kind is not None:
        conditions.append(Campaign.kind == kind)
    if public_only:
        conditions.append(Campaign.public.is_(True))
    if since is not None:
        conditions.append(Permanence.ends_at > _instant(since))
    if until is not None:
        conditions.append(Permanence.starts_at < _instant(until))
    return stmt.where(and_(*conditions)) if conditions else stmt


def row_dict(row) -> dict:
    return {
        "id": row.id,
        "campaign": {"id": row.c_id, "slug": row.c_slug, "name": row.c_name,
                     "kind": row.c_kind, "public": row.c_public},
        "on_date": row.on_date, "start": row.start_time, "end": row.end_time,
        "starts_at": row.starts_at, "ends_at": row.ends_at,
        "appointment": row.appointment, "notes": row.notes, "capacity": row.capacity,
        "sequence": row.sequence, "updated_at": row.updated_at,
        "place": {"type": "place" if row.place_id is not None else "site",
                  "id": row.place_id if row.place_id is not None else row.site_id,
                  "name": row.loc_name, "kind": row.loc_kind, "address": row.loc_address,
                  "postcode": row.loc_postcode, "commune_name": row.loc_commune,
                  "lat": row.loc_lat, "lon": row.loc_lon, "phone": row.loc_phone,
                  "accessible": row.loc_accessible},
    }


def upcoming_permanences(session: Session, cpts_id: int, *, campaign_id: int | None = None,
                         kind: str | None = None, since: date | datetime | None = None,
                         until: date | datetime | None = None, public_only: bool = True
                         ) -> list[dict]:
    """The permanences of a CPTS's campaigns not yet over at ``since`` (default: now) and
    starting before ``until`` (default: no bound), first to start first.

    ``since``/``until`` are datetimes (naive ones are UTC) or dates (the start of that day in
    Paris). ``public_only`` (the default) leaves out the campaigns that are not public: only
    the CPTS's coordinator and admins may ask for them.

    Each item: ``id``, ``campaign`` {id, slug, name, kind, public}, ``on_date``, ``start``,
    ``end`` (Paris wall-clock ``date``/``time``), ``starts_at``, ``ends_at`` (UTC), ``appointment``
    (``sans_rdv``, ``sur_rdv``, ``les_deux``), ``notes``, ``capacity``, ``sequence``,
    ``updated_at``, and ``place`` {type ("place" or "site"), id, name, kind, address, postcode,
    commune_name, lat, lon, phone, accessible} — lat/lon None when not located.
    """
    if since is None:
        since = datetime.now(timezone.utc)
    stmt = permanences_query(cpts_id, campaign_id=campaign_id, kind=kind, since=since,
                             until=until, public_only=public_only)
    # Core execution (no ORM row processing): thousands of rows for a feed stay cheap
    return [row_dict(row) for row in session.connection().execute(stmt)]


def permanence_json(row: dict) -> dict:
    """A row of ``upcoming_permanences`` as JSON values: ISO dates, ``HH:MM`` times, instants
    in UTC (``…Z``)."""
    def instant(value: datetime) -> str:
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")

    return {**row, "on_date": row["on_date"].isoformat(), "date": row["on_date"].isoformat(),
            "start": row["start"].strftime("%H:%M"), "end": row["end"].strftime("%H:%M"),
            "starts_at": instant(row["starts_at"]), "ends_at": instant(row["ends_at"]),
            "updated_at": instant(row["updated_at"])}


def permanences_fingerprint(session: Session, cpts_id: int, **filters) -> str:
    """A digest of everything ``upcoming_permanences(session, cpts_id, **filters)`` would
    return (every column of every row, in order), computed in the database: a feed whose
    digest did not change is the same feed (ETag, cached body) without reading its rows."""
    if filters.get("since") is None:
        filters["since"] = datetime.now(timezone.utc)
    sub = permanences_query(cpts_id, **filters).subquery("t")
    rows = func.string_agg(cast(literal_column("t"), Text),
                           aggregate_order_by(literal("|"), sub.c.starts_at, sub.c.id))
    return session.scalar(select(func.md5(func.coalesce(rows, literal("")))).select_from(sub))
