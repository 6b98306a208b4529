"""The directory as map layers (OGC API – Features collections): professionals, places and
public permanences, with their public fields only.

What a layer shows is what anonymous readers may see (``access.public_view``): never the private
phone, the e-mail unless ``public_email``, notes, sources, external references or geocoding
details. A professional is one feature whose geometry gathers their located practice sites
(a MultiPoint; null when none is located).
"""
from __future__ import annotations

from ..features import Filter, Layer

PROFESSIONALS = Layer(
    source="""professional p JOIN profession pr ON pr.code = p.profession_code
      LEFT JOIN LATERAL (
        SELECT ST_Multi(ST_Collect(s.geom ORDER BY s.id)) AS geom,
               array_agg(DISTINCT s.commune_code) FILTER (WHERE s.commune_code IS NOT NULL)
                 AS communes,
               array_agg(DISTINCT c.departement) FILTER (WHERE c.departement IS NOT NULL)
                 AS departements,
               array_agg(DISTINCT c.region) FILTER (WHERE c.region IS NOT NULL) AS regions
        FROM practice_site s LEFT JOIN commune c ON c.code = s.commune_code
        WHERE s.professional_id = p.id) ps ON true""",
    id="p.id", geometry="ps.geom", order="p.id",
    properties=(("id", "p.id"), ("civility", "p.civility"), ("first_name", "p.first_name"),
                ("last_name", "p.last_name"), ("profession", "p.profession_code"),
                ("profession_label", "pr.label"), ("specialty", "p.specialty"),
                ("accepts_new_patients", "p.accepts_new_patients"),
                ("home_visits", "p.home_visits"), ("teleconsultation", "p.teleconsultation"),
                ("languages", "p.languages"), ("accessible", "p.accessible"),
                ("phone", "p.phone"), ("website", "p.website"),
                ("email", "CASE WHEN p.public_email THEN p.email END"),
                ("competencies", "(SELECT array_agg(c.slug ORDER BY c.slug) FROM "
                                 "professional_competency pc JOIN competency c ON "
                                 "c.id = pc.competency_id WHERE pc.professional_id = p.id)"),
                ("communes", "ps.communes"), ("departements", "ps.departements"),
                ("last_verified_at", "p.last_verified_at")))

PLACES = Layer(
    source="place pl LEFT JOIN commune c ON c.code = pl.commune_code",
    id="pl.id", geometry="pl.geom", order="pl.id",
    properties=(("id", "pl.id"), ("name", "pl.name"), ("kind", "pl.kind"),
                ("finess", "pl.finess"), ("address", "pl.address"),
                ("postcode", "pl.postcode"), ("commune", "pl.commune_code"),
                ("commune_name", "coalesce(pl.commune_name, c.name)"),
                ("departement", "c.departement"), ("region", "c.region"),
                ("phone", "pl.phone"), ("website", "pl.website"),
                ("accessible", "pl.accessible"), ("cpts_id", "pl.cpts_id")))

#: Permanences of public campaigns, at their place or at a practice site.
PERMANENCES = Layer(
    source="""permanence pm JOIN campaign ca ON ca.id = pm.campaign_id AND ca.public
      LEFT JOIN place pl ON pl.id = pm.place_id
      LEFT JOIN practice_site s ON s.id = pm.site_id
      LEFT JOIN commune c ON c.code = coalesce(pl.commune_code, s.commune_code)""",
    id="pm.id", geometry="coalesce(pl.geom, s.geom)", order="pm.starts_at, pm.id",
    properties=(("id", "pm.id"), ("campaign", "ca.name"), ("campaign_kind", "ca.kind"),
                ("cpts_id", "ca.cpts_id"), ("on_date", "pm.on_date"),
                ("starts_at", "pm.starts_at"), ("ends_at", "pm.ends_at"),
                ("appointment", "pm.appointment"), ("capacity", "pm.capacity"),
                ("place", "coalesce(pl.name, s.name)"),
                ("address", "coalesce(pl.address, s.address)"),
                ("commune", "coalesce(pl.commune_code, s.commune_code)"),
                ("departement", "c.departement"), ("region", "c.region")))


def in_array(column: str, value: str | None) -> Filter | None:
    """``value`` is one of the array ``column``'s elements."""
    if not value:
        return None
    name = "arr_" + "".join(ch if ch.isalnum() else "_" for ch in column)
    return Filter(f":{name} = ANY({column})", {name: value})
