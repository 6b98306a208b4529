"""Map page fixtures built through the real services: a 3×3 grid of communes (92001…92009),
two overlapping CPTS, and professionals whose names are hostile strings."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from mapper.auth.principal import Principal
from mapper.imports.communes import import_communes_file
from mapper.services.cpts import create_cpts
from mapper.services.professionals import create_professional
from tests.factories.geo import grid_communes, write_geojson

XSS = ("<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", "${alert(1)}")
ORIGIN = (2.25, 48.80)
STEP = 0.05
ADMIN = Principal(account_id=None, email="seed@example.org", role="admin")
#: Inside commune 92001 (the south-west cell), covered by the first professional's zone.
COVERED_POINT = (48.82, 2.27)
ADDRESS = "10 rue du Test, 92001 Grille"


def cell(i: int, j: int, di: float = 0.5, dj: float = 0.5) -> tuple[float, float]:
    """(lat, lon) inside the grid cell (i, j)."""
    return ORIGIN[1] + (j + dj) * STEP, ORIGIN[0] + (i + di) * STEP


def seed(session, settings, tmp_path, *, alpha_origins=None, beta_origins=None) -> dict:
    path = write_geojson(tmp_path / "grid92.geojson", grid_communes("92", ORIGIN, 3, STEP))
    report = import_communes_file(session, path, population_year=2023)
    assert report.ok, report.lines()
    alpha = create_cpts(session, ADMIN, name="CPTS Alpha", status="projet",
                        communes=[f"9200{k}" for k in range(1, 7)],
                        website="https://cpts-alpha.example.org/accueil",
                        embed_origins=alpha_origins, settings=settings)
    beta = create_cpts(session, ADMIN, name=f"CPTS {XSS[1]}", status="projet",
                       communes=["92005", "92006", "92007", "92008"],
                       embed_origins=beta_origins, settings=settings)
    old = datetime.now(timezone.utc) - timedelta(days=400)
    people = [
        dict(first_name=XSS[0], last_name="Martin", profession="10", competencies=["diabete"],
             accepts_new_patients=True, phone="01 45 00 00 01", site=cell(0, 0),
             zones=[{"communes": ["92001", "92002"]}],
             slots=[{"weekday": d, "start": "00:00", "end": "23:59", "kind": "snp"}
                    for d in range(1, 8)]),
        dict(first_name=XSS[1], last_name="Durand", profession="60", accepts_new_patients=False,
             site=cell(1, 0), last_verified_at=old),
        dict(first_name=XSS[2], last_name="Petit", profession="70", site=cell(0, 1)),
        dict(first_name="Jeanne", last_name="Leroy", profession="21", site=cell(1, 1),
             accepts_new_patients=True),
    ]
    ids = []
    for p in people:
        lat, lon = p.pop("site")
        body = {**p, "cpts": [alpha.id],
                "sites": [{"address": f"{len(ids) + 1} rue des Essais", "postcode": "92000",
                           "lat": lat, "lon": lon}]}
        ids.append(create_professional(session, body, None, settings)["id"])
    session.commit()
    return {"alpha": alpha.slug, "beta": beta.slug, "alpha_id": alpha.id, "beta_id": beta.id,
            "professionals": ids}


def cache_address(session, address: str = ADDRESS, point=COVERED_POINT) -> None:
    """Put the page's address in the geocoding cache (the tests never reach the BAN)."""
    from mapper.geocoding import GeocodeResult, normalise_address
    from mapper.services.geocoding import cache_store

    cache_store(session, [(normalise_address(address, None, None), GeocodeResult(
        lat=point[0], lon=point[1], score=0.95, label="10 Rue du Test 92001 Grille",
        citycode="92001", postcode="92000", type="housenumber"))])
    session.commit()
