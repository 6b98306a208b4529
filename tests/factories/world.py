"""One factory for the tests' fictional worlds, built through the real importers and services
(the pages, maps and directory tests each describe theirs with it, in a few lines).

``WorldBuilder(session, settings, tmp_path)`` loads a grid of square communes, then creates CPTS
(validated through an ARS decision when asked), professionals and cached geocoding answers
exactly as the API would. Everything happens in the caller's session; commit is the caller's.
"""
from __future__ import annotations

from datetime import time
from pathlib import Path

from mapper.auth.principal import Principal
from mapper.geocoding import GeocodeResult, normalise_address
from mapper.imports.communes import import_communes_file
from mapper.services.directory import create_professional
from mapper.services.geocoding import cache_store
from mapper.services.territories import create_cpts, decide

from .geo import grid_communes, write_geojson

#: The actor of everything a world builds (an administrator, named in the audit trail).
ADMIN = Principal.system("tests")
#: A slot open at every minute of the week.
ALWAYS_OPEN = [{"weekday": d, "start": time(0, 1), "end": time(0, 0), "kind": "snp"}
               for d in range(1, 8)]


class WorldBuilder:
    def __init__(self, session, settings, tmp_path: Path) -> None:
        self.session, self.settings, self.tmp_path = session, settings, tmp_path

    def communes(self, departement: str, origin: tuple[float, float], n: int,
                 step: float = 0.05) -> list[str]:
        """An n×n grid of square communes <dep>001…, population 1000·k (tests/factories/geo)."""
        path = write_geojson(self.tmp_path / f"grid{departement}.geojson",
                             grid_communes(departement, origin, n, step))
        report = import_communes_file(self.session, path, population_year=2023)
        assert report.ok, report.lines()
        return [f"{departement}{k:03d}" for k in range(1, n * n + 1)]

    def cpts(self, name: str, communes: list[str], *, validated: bool = False, **fields):
        """A CPTS (a project unless ``status`` says intention), validated by an ARS decision
        when ``validated``."""
        cpts = create_cpts(self.session, ADMIN, name=name, communes=communes,
                           settings=self.settings, **fields)
        if validated:
            decide(self.session, ADMIN, cpts, "valide", "territoire conforme",
                   settings=self.settings)
        return cpts

    def professional(self, *, site: tuple[float, float] | None = None, address: str = "",
                     postcode: str | None = None, commune: str | None = None, **fields) -> int:
        """An entry created as the API creates one; ``site`` is its (lat, lon), given so that
        nothing is geocoded."""
        body = {"first_name": "Anaïs", "last_name": "Martin", "profession": "60",
                "competencies": [], "languages": ["fr"], "slots": [], "zones": [], **fields}
        if site is not None:
            body["sites"] = [{"address": address or "1 rue des Essais", "postcode": postcode,
                              "commune": commune, "lat": site[0], "lon": site[1]}]
        return create_professional(self.session, body, None, self.settings, source="api")["id"]

    def cached_address(self, address: str, point: tuple[float, float], label: str,
                       citycode: str, postcode: str) -> None:
        """The BAN's answer for ``address``, in the geocoding cache (tests never reach the
        BAN)."""
        cache_store(self.session, [(normalise_address(address, None, None), GeocodeResult(
            lat=point[0], lon=point[1], score=0.95, label=label, citycode=citycode,
            postcode=postcode, type="housenumber"))])
