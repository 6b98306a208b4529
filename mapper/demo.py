"""Load the fictional demo data of ``data/demo`` (idempotent: a second run changes nothing).

Each loader is a function ``(session, demo_dir, settings) -> list[str]`` of summary lines; they
run in ``LOADERS`` order through the same importers (and so the same use cases) as real data.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from .config import PROJECT_ROOT, Settings
from .imports.api_geo import download_departement
from .imports.communes import import_communes_file
from .imports.cpts import load_demo_cpts
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


LOADERS: list[Callable[[Session, Path, Settings], list[str]]] = [
    load_communes, load_cpts, load_professionals]


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
