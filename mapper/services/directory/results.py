"""Search results: one statement builds a page of results (fields of the entry, its chosen
site, its slots, the closures of the page's window), then Python adds the next opening and the
"stale" flag."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import text
from sqlalchemy.orm import Session

from .. import features
from .openings import CLOSURES_OF_PAGE, closed_days
from .slots import moment, next_slot_of, slots_from_json, window
from .views import is_stale


#: Result fields for hits ``h(pid, sid, d, ord)``: one statement builds the whole page. The
#: closures of the page (``closures``, the same in every row: computed once) come with it, so
#: that the next opening needs no second round trip; bind ``closure_params``.
DETAILS = f"""
        SELECT h.ord, h.d, p.id, p.civility, p.first_name, p.last_name, p.profession_code,
               pr.label AS profession_label, p.specialty, p.accepts_new_patients, p.home_visits,
               p.teleconsultation, p.languages, p.accessible, p.phone, p.website,
               CASE WHEN p.public_email THEN p.email END AS email, p.last_verified_at,
               (SELECT array_agg(c.slug ORDER BY c.slug) FROM professional_competency pc
                JOIN competency c ON c.id = pc.competency_id
                WHERE pc.professional_id = p.id) AS competencies,
               (SELECT json_agg(json_build_array(sl.weekday, sl.start_time, sl.end_time,
                                                 sl.kind, sl.valid_from, sl.valid_to,
                                                 sl.site_id))
                FROM slot sl WHERE sl.professional_id = p.id) AS slots,
               s.id AS site_id, s.name AS site_name, s.address, s.postcode, s.commune_code,
               coalesce(s.commune_name, (SELECT cm.name FROM commune cm
                                         WHERE cm.code = s.commune_code)) AS commune_name,
               ST_Y(s.geom) AS lat, ST_X(s.geom) AS lon, s.precision,
               ({CLOSURES_OF_PAGE}) AS closures
        FROM h
        JOIN professional p ON p.id = h.pid
        JOIN profession pr ON pr.code = p.profession_code
        LEFT JOIN practice_site s ON s.id = h.sid
        ORDER BY h.ord
"""


def closure_params(local_day: date) -> dict:
    """The parameters of ``DETAILS``'s closures: the next opening's window from that day."""
    start, end = window(local_day)
    return {"closed_from": start, "closed_to": end}


def build_results(session: Session, hits: list[tuple], at: datetime | None) -> list[dict]:
    if not hits:
        return []
    when = moment(at)
    rows = session.execute(text(
        "WITH h AS (SELECT * FROM unnest(CAST(:pids AS int[]), CAST(:sids AS int[]), "
        "CAST(:ds AS float8[])) WITH ORDINALITY AS h(pid, sid, d, ord))" + DETAILS),
        {"pids": [h[0] for h in hits], "sids": [h[1] for h in hits],
         "ds": [h[2] for h in hits], **closure_params(when[1])}).mappings().all()
    return result_rows(session, rows, when)


def result_rows(session: Session, rows, when: tuple[datetime, date]) -> list[dict]:
    """The results of ``DETAILS``'s rows, bound with ``closure_params`` of ``when``
    (``moment``)."""
    now = datetime.now(timezone.utc)
    ref, local_day = when
    closed = closed_days(session, [r["id"] for r in rows if r["slots"]], *window(local_day),
                         known=(rows[0]["closures"] or []) if rows else [])
    out = []
    for row in rows:
        distance = row["d"]
        out.append({
            "id": row["id"], "civility": row["civility"], "first_name": row["first_name"],
            "last_name": row["last_name"], "profession": row["profession_code"],
            "profession_label": row["profession_label"], "specialty": row["specialty"],
            "competencies": list(row["competencies"] or []),
            "distance_km": None if distance is None else round(distance / 1000.0, 3),
            "site": None if row["site_id"] is None else {
                "name": row["site_name"], "address": row["address"], "postcode": row["postcode"],
                "commune": row["commune_code"], "commune_name": row["commune_name"],
                "lat": None if row["lat"] is None else round(row["lat"], 6),
                "lon": None if row["lon"] is None else round(row["lon"], 6),
                "precision": row["precision"]},
            "next_slot": next_slot_of(slots_from_json(row["slots"]), ref, local_day,
                                      closed.for_professional(row["id"]))
            if row["slots"] else None,
            "phone": row["phone"], "email": row["email"], "website": row["website"],
            "accepts_new_patients": row["accepts_new_patients"],
            "home_visits": row["home_visits"], "teleconsultation": row["teleconsultation"],
            "languages": list(row["languages"] or []), "accessible": row["accessible"],
            "last_verified_at": row["last_verified_at"].isoformat()
            if row["last_verified_at"] else None,
            "stale": is_stale(row["last_verified_at"], now),
        })
    return out


def results_geojson(results: list[dict]) -> dict:
    """Search results as a FeatureCollection: one Point per result (lon, lat), the rest as
    properties; results without a located site have a null geometry."""
    return features.collection_from(
        features.point_feature(r["id"], (r.get("site") or {}).get("lon"),
                               (r.get("site") or {}).get("lat"), r) for r in results)
