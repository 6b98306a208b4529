"""Read models and small use cases of the web pages (French UI) that no other service covers.

The pages reuse the territory, directory and coverage services; this module adds what only the
pages need: vocabularies for the forms, commune names typed by people (→ INSEE codes), the
territory report with geometries (map, CSV, GeoJSON downloads), the ARS review (projects awaiting
a decision, decision history from the audit trail), a CPTS's members and stale entries, adding or
removing a member, and a professional confirming their entry. No Flask here.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..models import Account, CptsMember, Professional
from ..reference import REGIONS
from . import audit
from .overlaps import find_overlaps
from .professionals import STALE_AFTER, update_professional
from .territories import CODE_RE, build_territory, conflicts_with_validated

STATUS_LABELS = {"intention": "Intention", "projet": "Projet", "valide": "Validée",
                 "rejete": "Rejetée"}
#: "Nom (12345)" as the autocomplete fills it in.
_NAMED_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d{5}|2[AB]\d{3})\)$")
MAX_ENTRIES = 2_000


# -- vocabularies ---------------------------------------------------------------------------

def professions(session: Session) -> list[dict]:
    return [dict(r) for r in session.execute(text(
        "SELECT code, label, kind FROM profession ORDER BY kind DESC, label")).mappings()]


def competencies(session: Session) -> list[dict]:
    return [dict(r) for r in session.execute(text(
        "SELECT slug, label FROM competency ORDER BY label")).mappings()]


def cpts_list(session: Session) -> list[dict]:
    """Every CPTS but rejected ones, by name, without geometry (the home page)."""
    rows = session.execute(text("""
        SELECT slug, name, status, region, population, size_category FROM cpts
        WHERE status <> 'rejete' ORDER BY name""")).mappings()
    return [{**r, "status_label": STATUS_LABELS.get(r["status"], r["status"]),
             "region_name": REGIONS.get(r["region"] or "", r["region"])} for r in rows]


# -- communes typed by people ---------------------------------------------------------------

def split_entries(raw: str) -> list[str]:
    """One commune per line, or separated by commas or semicolons."""
    return [e.strip() for e in re.split(r"[\n;,]+", raw or "") if e.strip()]


def resolve_communes(session: Session, raw: str, field: str = "communes") -> list[str]:
    """INSEE codes from a pasted list of codes and/or names; 422 on the field, naming every
    unknown or ambiguous name (with the candidates' codes)."""
    entries = split_entries(raw)
    if not entries:
        raise ValidationFailed("Indiquez au moins une commune.",
                               errors={field: [
                                   "Indiquez au moins une commune (code INSEE ou nom)."]})
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed("Trop de communes.",
                               errors={field: [f"{MAX_ENTRIES} communes au plus."]})
    codes, names = [], []
    for entry in entries:
        match = _NAMED_CODE.match(entry)
        if match:
            entry = match.group("code")
        if CODE_RE.match(entry.upper()):
            codes.append(entry.upper())
        else:
            names.append(entry)
    problems = []
    if names:
        rows = session.execute(text("""
            SELECT n.given, c.code, c.name, c.departement
            FROM unnest(CAST(:names AS text[])) AS n(given)
            LEFT JOIN commune c ON unaccent_lower(c.name) = unaccent_lower(n.given)
                               AND c.code NOT IN ('75056', '69123', '13055')
            ORDER BY n.given, c.code"""), {"names": names}).all()
        found: dict[str, list] = {}
        for r in rows:
            found.setdefault(r.given, [])
            if r.code:
                found[r.given].append(r)
        for name in names:
            hits = found.get(name, [])
            if not hits:
                problems.append(f"Commune inconnue : « {name} ».")
            elif len(hits) > 1:
                choices = ", ".join(f"{h.code} ({h.departement})" for h in hits[:8])
                problems.append(f"Plusieurs communes s'appellent « {name} » : précisez le code "
                                f"INSEE ({choices}).")
            else:
                codes.append(hits[0].code)
    if problems:
        raise ValidationFailed(" ".join(problems), errors={field: problems})
    return list(dict.fromkeys(codes))


def commune_names(session: Session, codes) -> dict[str, str]:
    codes = sorted(set(codes))
    if not codes:
        return {}
    return dict(session.execute(text("SELECT code, name FROM commune WHERE code = ANY(:c)"),
                                {"c": codes}).all())


# -- the territory report -------------------------------------------------------------------

def territory_report(session: Session, *, communes=None, geometry=None, repair: bool = False,
                     settings: Settings) -> dict:
    """``check_territory``'s answer plus what a page needs: the candidate's geometry, each
    overlap's geometry (shared communes, or the intersection when a drawing is involved) and the
    names of the shared communes. Writes nothing."""
    territory = build_territory(session, communes=communes, geometry=geometry, repair=repair,
                                settings=settings)
    overlaps = find_overlaps(session, territory, settings, with_geometry=True)
    if territory.kind == "communes":
        shape = session.execute(text(
            "SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_Union(geom), 3)), 6) "
            "FROM commune WHERE code = ANY(:codes)"), {"codes": territory.codes}).scalar()
    else:
        shape = session.execute(text(
            "SELECT ST_AsGeoJSON(ST_GeomFromEWKB(decode(:g, 'hex')), 6)"),
            {"g": territory.geom_hex}).scalar()
    names = commune_names(session, [c for o in overlaps for c in o["shared_communes"]])
    for o in overlaps:
        o["shared"] = [{"code": c, "nom": names.get(c, c)} for c in o["shared_communes"]]
        o["status_label"] = STATUS_LABELS.get(o["cpts"]["status"], o["cpts"]["status"])
        if not o.get("geometry") and o["shared_communes"]:
            o["geometry"] = json.loads(session.execute(text(
                "SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_Union(geom), 3)), 6) "
                "FROM commune WHERE code = ANY(:codes)"), {"codes": o["shared_communes"]})
                .scalar())
    out = territory.summary()
    out.update(kind=territory.kind, region=territory.region,
               region_name=REGIONS.get(territory.region or "", territory.region),
               communes=territory.communes, codes=territory.codes,
               expanded=territory.expanded, repaired=territory.repaired,
               geometry=json.loads(shape) if shape else None, overlaps=overlaps,
               conflicts_with_validated=conflicts_with_validated(overlaps))
    return out


def _cell(value):
    """Text a spreadsheet would run as a formula (=, +, -, @…) is quoted with a leading ';
    decimals take a comma, as French spreadsheets read them with the ';' separator."""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        self.writer.writerow([_cell(v) for v in row])


def report_csv(report: dict) -> str:
    """The report as CSV (semicolon-separated, as French spreadsheets expect); names that a
    spreadsheet would take for formulas are neutralised."""
    buf = io.StringIO()
    w = _SafeWriter(csv.writer(buf, delimiter=";", lineterminator="\r\n"))
    w.writerow(["rubrique", "code", "nom", "statut", "population", "surface_km2",
                "part_du_territoire", "communes_partagees"])
    w.writerow(["territoire", "", "Territoire vérifié", "", report["population"],
                report["area_km2"], "1", ""])
    w.writerow(["categorie_taille", "", str(report["size_category"]), "", "", "", "", ""])
    for c in report["communes"]:
        w.writerow(["commune", c["code"], c["nom"], "", c["population"] or "", "",
                    c.get("share", 1), ""])
    for o in report["overlaps"]:
        w.writerow(["chevauchement", o["cpts"]["slug"], o["cpts"]["name"], o["cpts"]["status"],
                    o["population_affected"], o["overlap_area_km2"], o["share_of_candidate"],
                    " ".join(o["shared_communes"])])
    return buf.getvalue()


def report_geojson(report: dict) -> dict:
    """The candidate territory and each overlap as a FeatureCollection (RFC 7946)."""
    features = [{"type": "Feature", "geometry": report["geometry"], "properties": {
        "role": "territoire", "population": report["population"],
        "population_year": report["population_year"], "area_km2": report["area_km2"],
        "size_category": report["size_category"], "region": report["region"],
        "communes": [c["code"] for c in report["communes"]]}}]
    for o in report["overlaps"]:
        features.append({"type": "Feature", "geometry": o.get("geometry"), "properties": {
            "role": "chevauchement", "cpts": o["cpts"]["name"], "slug": o["cpts"]["slug"],
            "status": o["cpts"]["status"], "shared_communes": o["shared_communes"],
            "overlap_area_km2": o["overlap_area_km2"],
            "population_affected": o["population_affected"],
            "population_method": o["population_method"]}})
    return {"type": "FeatureCollection", "features": features}


# -- ARS review -----------------------------------------------------------------------------

def review_regions(principal) -> list[str]:
    """The régions a reviewer may open: an ARS account's own, every région for an admin."""
    if principal.is_admin:
        return list(REGIONS)
    if principal.role == "ars":
        return sorted(principal.regions)
    return []


def regions_with_projects(session: Session, allowed: list[str]) -> list[str]:
    """Among ``allowed``, the régions with projects awaiting a decision, then those with any
    CPTS (the default région of the review page)."""
    rows = session.execute(text("""
        SELECT region FROM cpts WHERE region = ANY(:allowed)
        GROUP BY region ORDER BY bool_or(status = 'projet') DESC, region"""),
        {"allowed": list(allowed)}).scalars()
    return list(rows)


def awaiting_decision(session: Session, region: str, settings: Settings) -> list[dict]:
    """Projects of the région with their current overlaps (validated neighbours first)."""
    from .cpts import current_overlaps
    from ..models import Cpts

    out = []
    for cpts in session.scalars(select(Cpts).where(Cpts.region == region,
                                                   Cpts.status == "projet")
                                .order_by(Cpts.name)):
        overlaps = current_overlaps(session, cpts, settings)
        names = commune_names(session, [c for o in overlaps for c in o["shared_communes"]])
        for o in overlaps:
            o["shared"] = [{"code": c, "nom": names.get(c, c)} for c in o["shared_communes"]]
            o["status_label"] = STATUS_LABELS.get(o["cpts"]["status"], o["cpts"]["status"])
        out.append({"id": cpts.id, "slug": cpts.slug, "name": cpts.name,
                    "population": cpts.population, "area_km2": cpts.area_km2,
                    "size_category": cpts.size_category, "overlaps": overlaps,
                    "conflicts_with_validated": conflicts_with_validated(overlaps)})
    return out


def decision_history(session: Session, region: str, limit: int = 100) -> list[dict]:
    """ARS decisions on the région's CPTS, newest first, from the audit trail."""
    rows = session.execute(text("""
        SELECT e.at, e.actor, e.reason, e.before ->> 'status' AS before,
               e.after ->> 'status' AS after, k.name, k.slug
        FROM audit_event e JOIN cpts k ON k.id::text = e.entity_id
        WHERE e.action = 'cpts.decision' AND e.entity_type = 'cpts' AND k.region = :region
        ORDER BY e.at DESC, e.id DESC LIMIT :limit"""), {"region": region, "limit": limit})
    return [{**r._mapping, "after_label": STATUS_LABELS.get(r.after, r.after),
             "before_label": STATUS_LABELS.get(r.before, r.before)} for r in rows]


# -- a CPTS's members -----------------------------------------------------------------------

def members_by_profession(members: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for m in sorted(members, key=lambda m: (m["last_name"].lower(), m["first_name"].lower())):
        groups.setdefault(m["profession_label"], []).append(m)
    return sorted(groups.items())


def stale_members(session: Session, cpts_id: int) -> list[dict]:
    """Members whose entry was not confirmed for six months (or never), oldest first."""
    rows = session.execute(text("""
        SELECT p.id, p.first_name, p.last_name, pr.label AS profession_label,
               p.last_verified_at
        FROM cpts_member m JOIN professional p ON p.id = m.professional_id
        JOIN profession pr ON pr.code = p.profession_code
        WHERE m.cpts_id = :cpts AND (p.last_verified_at IS NULL OR p.last_verified_at < :limit)
        ORDER BY p.last_verified_at NULLS FIRST, p.last_name, p.first_name"""),
        {"cpts": cpts_id, "limit": datetime.now(timezone.utc) - STALE_AFTER})
    return [dict(r._mapping) for r in rows]


def _require_manager(principal, cpts) -> None:
    if not principal.can_manage_cpts(cpts.id, cpts.region):
        raise Forbidden("Vous ne gérez pas cette CPTS.")


def find_professional(session: Session, reference: str, field: str = "professional") -> int:
    """A professional by RPPS number (11 digits) or by entry number."""
    ref = (reference or "").strip()
    if not ref:
        raise ValidationFailed("Indiquez un numéro RPPS.", errors={field: [
            "Indiquez le numéro RPPS (11 chiffres) ou le numéro de fiche."]})
    if re.fullmatch(r"\d{11}", ref):
        found = session.scalar(select(Professional.id).where(Professional.rpps == ref))
    elif re.fullmatch(r"\d{1,9}", ref):
        found = session.scalar(select(Professional.id).where(Professional.id == int(ref)))
    else:
        raise ValidationFailed("Référence invalide.", errors={field: [
            "Numéro RPPS (11 chiffres) ou numéro de fiche attendu."]})
    if found is None:
        raise ValidationFailed("Professionnel introuvable.", errors={field: [
            f"Aucune fiche ne correspond à « {ref} »."]})
    return found


def add_member(session: Session, principal, cpts, reference: str) -> int:
    """Add an existing entry (by RPPS or entry number) to the CPTS the principal manages."""
    _require_manager(principal, cpts)
    professional_id = find_professional(session, reference)
    exists = session.get(CptsMember, (cpts.id, professional_id))
    if exists is not None:
        raise Conflict("Ce professionnel est déjà membre.",
                       errors={"professional": ["Ce professionnel est déjà membre de la CPTS."]})
    if not principal.can_act_in_region(cpts.region):
        _require_unclaimed(session, professional_id)
    session.add(CptsMember(cpts_id=cpts.id, professional_id=professional_id))
    session.flush()
    audit.record(session, principal, "cpts.member_add", "cpts", cpts.id,
                 after={"professional_id": professional_id})
    return professional_id


def _require_unclaimed(session: Session, professional_id: int) -> None:
    """Membership gives a coordinator write access to the entry: a coordinator may only take in
    an entry nobody else curates — not one kept by its own professional account, nor a member
    of another CPTS. Those joins go through the ARS or an administrator."""
    other_cpts = session.scalar(select(CptsMember.cpts_id)
                                .where(CptsMember.professional_id == professional_id).limit(1))
    own_account = session.scalar(select(Account.id)
                                 .where(Account.professional_id == professional_id).limit(1))
    if other_cpts is not None or own_account is not None:
        message = ("Cette fiche est déjà gérée (par le professionnel lui-même ou par une autre "
                   "CPTS) : demandez son rattachement à l'ARS ou à l'administrateur.")
        raise Forbidden(message, errors={"professional": [message]})


def remove_member(session: Session, principal, cpts, professional_id: int) -> None:
    _require_manager(principal, cpts)
    member = session.get(CptsMember, (cpts.id, professional_id))
    if member is None:
        raise NotFound("Ce professionnel n'est pas membre de la CPTS.")
    session.delete(member)
    session.flush()
    audit.record(session, principal, "cpts.member_remove", "cpts", cpts.id,
                 before={"professional_id": professional_id})


# -- a professional's own entry -------------------------------------------------------------

def confirm_entry(session: Session, principal, professional_id: int, settings: Settings) -> dict:
    """"My entry is still accurate": sets last_verified_at, audited."""
    now = datetime.now(timezone.utc)
    out = update_professional(session, professional_id, {"last_verified_at": now}, principal,
                              settings, touch_verified=False)
    audit.record(session, principal, "professional.confirm", "professional", professional_id,
                 after={"last_verified_at": now.isoformat()})
    return out


# -- finding a professional -----------------------------------------------------------------

def find_professionals(session: Session, *, address: str | None, near, professions, competencies,
                       accepting_new_patients: bool, open_now: bool, covers_me: bool,
                       settings: Settings, client=None, limit: int = 20) -> dict:
    """The search page: geocode the typed address (the query text, through the cache; never a
    stored record), then ``search_professionals``. ``near`` (lat, lon) from "près de moi" wins
    over the address. Field errors are keyed by the page's field names. The caller commits (the
    geocoding cache)."""
    from ..geocoding import GeocodingUnavailable
    from .geocoding import client_for, resolve_query_address
    from .search import SearchQuery, search_professionals

    label = None
    if near is None and address:
        try:
            found = resolve_query_address(session, client or client_for(settings), address,
                                          settings.ban_min_score)
        except GeocodingUnavailable:
            raise ValidationFailed("Service d'adresses indisponible.", errors={"adresse": [
                "Le service de recherche d'adresses est momentanément indisponible : "
                "réessayez plus tard ou utilisez « Près de moi »."]}) from None
        if found is None:
            raise ValidationFailed("Adresse introuvable.", errors={"adresse": [
                "Adresse introuvable : vérifiez-la ou ajoutez le code postal."]})
        near, label = (found.lat, found.lon), found.label
    if covers_me and near is None:
        raise ValidationFailed("Adresse requise.", errors={"adresse": [
            "Indiquez votre adresse (ou « Près de moi ») pour trouver qui se déplace chez "
            "vous."]})
    # "covers": zones containing the point; ``near`` still orders them by distance.
    query = SearchQuery(
        near=near, covers=near if covers_me else None,
        professions=list(professions), competencies=list(competencies),
        accepting_new_patients=True if accepting_new_patients else None,
        open_at=datetime.now(timezone.utc) if open_now else None, limit=limit)
    try:
        results = search_professionals(session, query)
    except ValidationFailed as exc:
        mapping = {"competency": "competence", "competencies": "competence",
                   "profession": "profession"}
        raise ValidationFailed(exc.detail, errors={mapping.get(k, k): v for k, v in
                                                   (exc.errors or {}).items()}) from None
    labels = _competency_labels(session)
    for r in results:
        r["competency_labels"] = [labels.get(c, c) for c in r["competencies"]]
    return {"results": results, "near": near, "label": label}


def _competency_labels(session: Session) -> dict[str, str]:
    return {c["slug"]: c["label"] for c in competencies(session)}


# -- whole pages ----------------------------------------------------------------------------

def ars_review(session: Session, region: str, settings: Settings) -> dict:
    """Everything the ARS review page of a région shows."""
    from .coverage import coverage

    return {"projects": awaiting_decision(session, region, settings),
            "coverage": coverage(session, region=region),
            "history": decision_history(session, region)}


def cpts_page(session: Session, principal, id_or_slug, settings: Settings) -> dict:
    """Everything the page of a CPTS shows; the management parts only for its managers."""
    from .cpts import cpts_feature, get_cpts
    from .search import cpts_professionals

    cpts = get_cpts(session, id_or_slug)
    feature = cpts_feature(session, cpts, settings)
    members = cpts_professionals(session, cpts.id)
    manager = principal.can_manage_cpts(cpts.id, cpts.region)
    return {
        "cpts": feature["properties"], "geometry": feature["geometry"], "members": members,
        "groups": members_by_profession(members),
        "communes": commune_names(session, feature["properties"]["communes"]),
        "manager": manager,
        "stale": stale_members(session, cpts.id) if manager else [],
        "territory_locked": manager and principal.role == "coordinator"
        and cpts.status == "valide",
        "can_create": manager and principal.role in ("coordinator", "admin"),
        "professions": professions(session) if manager else [],
    }
