"""Load the fictional demo data of ``data/demo`` (idempotent: a second run changes nothing).

Later features (territories, professionals) add their own loaders to ``LOADERS``; each is a
function ``(session, demo_dir) -> list[str]`` of summary lines.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from .config import PROJECT_ROOT
from .reference import DEFAULT_POPULATION_YEAR

log = logging.getLogger(__name__)
DEMO_DIR = PROJECT_ROOT / "data" / "demo"
REAL_DEPARTEMENTS = ("75", "92", "94")


def load_communes(session: Session, demo_dir: Path) -> list[str]:
    from .imports.communes import import_communes_file

    report = import_communes_file(session, demo_dir / "communes.geojson",
                                  population_year=DEFAULT_POPULATION_YEAR)
    if not report.ok:
        raise RuntimeError("demo communes rejected: " + "; ".join(report.lines()))
    return report.lines()


LOADERS: list[Callable[[Session, Path], list[str]]] = [load_communes]


def load_cpts(session: Session, demo_dir: Path) -> list[str]:
    from .imports.cpts import load_demo_cpts

    return load_demo_cpts(session, demo_dir)


LOADERS.append(load_cpts)


def load_professionals(session: Session, demo_dir: Path) -> list[str]:
    """~60 fictional professionals around Paris 14e (coordinates given: no geocoding), members
    of the demo CPTS when they exist (skipped otherwise). Idempotent: rows are keyed by ``ref``
    and an unchanged row is not written again."""
    from .config import ConfigError, Settings
    from .imports.professionals_csv import import_professionals_csv

    path = demo_dir / "professionals.csv"
    if not path.exists():
        return []
    try:
        settings = Settings.from_env()
    except ConfigError:
        settings = Settings()
    report = import_professionals_csv(session, path, settings, missing_cpts="skip",
                                      actor="demo", source="demo")
    if not report.ok:
        raise RuntimeError("demo professionals rejected: " + "; ".join(report.lines()))
    return report.lines()


LOADERS.append(load_professionals)


def load_demo(session: Session, *, real: bool = False, api_geo_base_url: str | None = None,
              demo_dir: Path = DEMO_DIR) -> list[str]:
    lines: list[str] = []
    if real:
        from .imports.api_geo import download_departement
        from .imports.communes import import_communes_file

        for dep in REAL_DEPARTEMENTS:
            path = download_departement(api_geo_base_url, dep)
            lines += import_communes_file(session, path,
                                          population_year=DEFAULT_POPULATION_YEAR).lines()
        loaders = LOADERS[1:]
    else:
        loaders = LOADERS
    for loader in loaders:
        lines += loader(session, demo_dir)
    return lines
