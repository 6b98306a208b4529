"""Load the fictional demo data of ``data/demo`` (idempotent: a second run changes nothing).

Each loader is a function ``(session, demo_dir, settings) -> list[str]`` of summary lines; they
run in ``LOADERS`` order through the same importers (and so the same use cases) as real data.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .auth.principal import Principal
from .config import PROJECT_ROOT, Settings
from .imports.api_geo import download_departement
from .imports.communes import import_communes_file
from .imports.cpts import load_demo_cpts
from .imports.places_csv import import_places_csv
from .imports.professionals_csv import import_professionals_csv
from .models import Cpts
from .reference import DEFAULT_POPULATION_YEAR
from .services.directory.calendar import PARIS
from .services.directory.rota_generate import generate_rota

log = logging.getLogger(__name__)
DEMO_DIR = PROJECT_ROOT / "data" / "demo"
REAL_DEPARTEMENTS = ("75", "92", "94")


def load_communes(session: Session, demo_dir: Path, settings: Settings | None = None
                  ) -> list[str]:
    report = import_communes_file(session, demo_dir / "communes.geojson",
                                  population_year=DEFAULT_POPULATION_YEAR)
    if not report.ok:
        raise RuntimeError("demo communes rejected: " + "; ".join(report.lines()))
    return report.lines()


def load_cpts(session: Session, demo_dir: Path, settings: Settings) -> list[str]:
    return load_demo_cpts(session, demo_dir, settings)


def load_professionals(session: Session, demo_dir: Path, settings: Settings) -> list[str]:
    """~60 fictional professionals around Paris 14e (coordinates given: no geocoding), members
    of the demo CPTS when they exist (skipped otherwise). Idempotent: rows are keyed by ``ref``
    and an unchanged row is not written again."""
    path = demo_dir / "professionals.csv"
    if not path.exists():
        return []
    report = import_professionals_csv(session, path, settings, missing_cpts="skip",
                                      actor="demo", source="demo")
    if not report.ok:
        raise RuntimeError("demo professionals rejected: " + "; ".join(report.lines()))
    return report.lines()


def load_places(session: Session, demo_dir: Path, settings: Settings) -> list[str]:
    """A few fictional places around Paris 14e (an MSP, a centre de santé, a mairie's room,
    pharmacies), listed by the demo CPTS (coordinates given: no geocoding); the first demo
    professional's site belongs to the MSP. Idempotent: rows are keyed by ``ref``."""
    path = demo_dir / "places.csv"
    if not path.exists():
        return []
    report = import_places_csv(session, path, settings, actor="demo")
    return report.lines() + _link_demo_site(session, settings)


def _link_demo_site(session: Session, settings: Settings) -> list[str]:
    """« Exerce à MSP Alésia-Plaisance » on the page of demo-001: its site linked to the place
    through the entry's use case (audited), once."""
    from .services.directory import find_existing, professional_private, update_professional

    pid = find_existing(session, rpps=None, external_ref="demo-001")
    place_id = session.scalar(text("SELECT id FROM place WHERE external_ref = 'demo-lieu-01'"))
    if pid is None or place_id is None:
        return []
    sites = professional_private(session, pid)["sites"]
    if not sites or sites[0]["place_id"] == place_id:
        return []
    body = [{"address": s["address"], "postcode": s["postcode"], "commune": s["commune"],
             "name": s["name"], "phone": s["phone"], "place_id": s["place_id"]} for s in sites]
    body[0]["place_id"] = place_id
    update_professional(session, pid, {"sites": body}, None, settings, audit_actor="demo",
                        touch_verified=None)
    return ["demo: the first professional's site belongs to the demo MSP"]


#: The demo campaign: (days after 1 October 2026, start, end, appointment, capacity, notes)
DEMO_PERMANENCES = (
    (3, "09:00", "12:00", "sans_rdv", None, "Apportez votre carte Vitale."),
    (10, "14:00", "18:00", "les_deux", 40, None),
    (17, "09:00", "12:30", "sur_rdv", 25, "Rendez-vous par téléphone."),
    (24, "14:00", "19:00", "sans_rdv", None, "Permanence du changement d'heure."),
    (31, "09:00", "12:00", "sans_rdv", None, None),
    (45, "10:00", "13:00", "les_deux", 30, "Accès par la cour, rez-de-chaussée."),
    (63, "14:00", "18:00", "sans_rdv", None, None),
    (70, "09:00", "12:00", "sur_rdv", 20, "Bon de prise en charge de l'Assurance maladie."),
    (77, "14:00", "17:30", "sans_rdv", None, None),
    (98, "09:00", "12:00", "les_deux", 35, None),
    (112, "14:00", "18:00", "sans_rdv", None, "Dernières doses de la saison."),
    (130, "09:00", "12:00", "sans_rdv", None, None),
)


def load_campaigns(session: Session, demo_dir: Path, settings: Settings) -> list[str]:
    """« Vaccination antigrippale 2026-2027 » of the CPTS Paris 14 (fictive): 12 permanences
    at the CPTS's places, or its members' practices when it has no place, through the use
    cases. Idempotent (skipped when the campaign exists)."""
    from datetime import date, time, timedelta

    from sqlalchemy import select

    from .auth.principal import Principal
    from .models import Campaign, Cpts
    from .services.directory.campaigns import create_campaign
    from .services.directory.permanence_writes import create_permanence
    from .services.pages.campaign_pages import locations

    cpts = session.scalar(select(Cpts).where(Cpts.name == "CPTS Paris 14 (fictive)"))
    if cpts is None or session.scalar(select(Campaign.id).where(
            Campaign.cpts_id == cpts.id, Campaign.slug == "grippe-2026-2027")):
        return []
    where = locations(session, cpts.id)
    where = [w for w in where if w["group"] == "place"] or where
    if not where:
        return []
    principal = Principal.system("demo")
    campaign = create_campaign(session, principal, cpts.id, {
        "name": "Vaccination antigrippale 2026-2027", "slug": "grippe-2026-2027",
        "kind": "vaccination_grippe", "starts_on": date(2026, 10, 1),
        "ends_on": date(2027, 2, 28), "public": True, "description":
        "Vaccination contre la grippe saisonnière par les pharmaciens, infirmiers, médecins et "
        "sages-femmes du territoire (données fictives)."})
    for n, (days, start, end, mode, capacity, notes) in enumerate(DEMO_PERMANENCES):
        kind, _, ident = where[(n * 5) % len(where)]["value"].partition(":")
        create_permanence(session, principal, campaign, {
            kind: int(ident), "on_date": date(2026, 10, 1) + timedelta(days=days),
            "start": time.fromisoformat(start), "end": time.fromisoformat(end),
            "appointment": mode, "capacity": capacity, "notes": notes})
    return [f"campaign {campaign.name}: {len(DEMO_PERMANENCES)} permanences"]


# -- the on-call rota (issue 12) --------------------------------------------------------
#: The current and next week of the demo CPTS, generated by the rota's use case from a weekly
#: template (two on call every weekday afternoon; Wednesday ends at 17:00, so the planning
#: shows a gap) and a rotation among its GPs, nurses and physiotherapists. Idempotent.
DEMO_CPTS = "CPTS Paris 14 (fictive)"
PROFESSIONS = ("10", "60", "70")
ROTATION_SIZE = 8


def load_rota(session: Session, demo_dir: Path, settings: Settings) -> list[str]:  # noqa: ARG001
    cpts = session.scalar(select(Cpts).where(Cpts.name == DEMO_CPTS))
    if cpts is None:
        return []
    rotation = list(session.scalars(text("""
        SELECT p.id FROM cpts_member m JOIN professional p ON p.id = m.professional_id
        WHERE m.cpts_id = :cpts AND p.profession_code = ANY(:professions)
        ORDER BY p.external_ref NULLS LAST, p.id LIMIT :n"""),
        {"cpts": cpts.id, "professions": list(PROFESSIONS), "n": ROTATION_SIZE}))
    if not rotation:
        return []
    today = datetime.now(PARIS).date()
    monday = today - timedelta(days=today.weekday())
    afternoon = {"start": time(14), "end": time(20), "free_places": 2}
    template = [{"weekdays": [1, 2, 4, 5], **afternoon}, {"weekdays": [1, 2, 4, 5], **afternoon},
                {"weekdays": [3], "start": time(14), "end": time(17), "free_places": 3}]
    out = generate_rota(session, Principal.system("demo"), cpts, {
        "start_date": monday, "end_date": monday + timedelta(days=13), "template": template,
        "professionals": rotation, "skip_holidays": True, "on_conflict": "skip"})
    return [f"rota {DEMO_CPTS}: {out['created']} shifts created, {out['existing']} already "
            f"there, {len(out['unfilled'])} unfilled"]


LOADERS: list[Callable[[Session, Path, Settings], list[str]]] = [
    load_communes, load_cpts, load_professionals, load_places, load_campaigns, load_rota]


def load_demo(session: Session, settings: Settings, *, real: bool = False,
              demo_dir: Path = DEMO_DIR) -> list[str]:
    """Every loader; with ``real``, the communes of Paris and its inner suburbs come from API
    Géo (network needed) instead of the demo's coarse outlines."""
    lines: list[str] = []
    loaders = LOADERS
    if real:
        for dep in REAL_DEPARTEMENTS:
            path = download_departement(settings.api_geo_base_url, dep)
            lines += import_communes_file(session, path,
                                          population_year=DEFAULT_POPULATION_YEAR).lines()
        loaders = LOADERS[1:]
    for loader in loaders:
        lines += loader(session, demo_dir, settings)
    return lines
