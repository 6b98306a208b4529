"""Map page fixtures built through the real services: a 3×3 grid of communes (92001…92009),
two overlapping CPTS, and professionals whose names are hostile strings."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.factories.world import WorldBuilder

XSS = ("<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", "${alert(1)}")
ORIGIN = (2.25, 48.80)
STEP = 0.05
#: Inside commune 92001 (the south-west cell), covered by the first professional's zone.
COVERED_POINT = (48.82, 2.27)
ADDRESS = "10 rue du Test, 92001 Grille"


def cell(i: int, j: int, di: float = 0.5, dj: float = 0.5) -> tuple[float, float]:
    """(lat, lon) inside the grid cell (i, j)."""
    return ORIGIN[1] + (j + dj) * STEP, ORIGIN[0] + (i + di) * STEP


def seed(session, settings, tmp_path, *, alpha_origins=None, beta_origins=None) -> dict:
    w = WorldBuilder(session, settings, tmp_path)
    w.communes("92", ORIGIN, 3, STEP)
    alpha = w.cpts("CPTS Alpha", [f"9200{k}" for k in range(1, 7)],
                   website="https://cpts-alpha.example.org/accueil", embed_origins=alpha_origins)
    beta = w.cpts(f"CPTS {XSS[1]}", ["92005", "92006", "92007", "92008"],
                  embed_origins=beta_origins)
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
    ids = [w.professional(address=f"{n} rue des Essais", postcode="92000", cpts=[alpha.id], **p)
           for n, p in enumerate(people, start=1)]
    session.commit()
    return {"alpha": alpha.slug, "beta": beta.slug, "alpha_id": alpha.id, "beta_id": beta.id,
            "professionals": ids}


def cache_address(session, address: str = ADDRESS, point=COVERED_POINT) -> None:
    """Put the page's address in the geocoding cache (the tests never reach the BAN)."""
    WorldBuilder(session, None, None).cached_address(address, point, "10 Rue du Test 92001 Grille",
                                                     "92001", "92000")
    session.commit()
