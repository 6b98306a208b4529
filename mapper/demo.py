"""Load the fictional demo data of ``data/demo`` (idempotent: a second run changes nothing).

Each loader is a function ``(session, demo_dir, settings) -> list[str]`` of summary lines; they
run in ``LOADERS`` order through the same importers (and so the same use cases) as real data.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from .config import PROJECT_ROOT, Settings
from .imports.api_geo import download_departement
from .imports.communes import import_communes_file
from .imports.cpts import load_demo_cpts
from .imports.places_csv import import_places_csv
from .imports.professionals_csv import import_professionals_csv
from .reference import DEFAULT_POPULATION_YEAR

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


LOADERS: list[Callable[[Session, Path, Settings], list[str]]] = [
    load_communes, load_cpts, load_professionals, load_places]


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
