"""The territories map's world: a three-way claim on one commune, a pair on another, a CPTS
whose name is markup, and one CPTS in another département (filters)."""
from __future__ import annotations

from tests.factories.world import WorldBuilder

XSS_NAME = "<script>alert(1)</script> CPTS du Paillon"


def seed(session, settings, tmp_path) -> dict:
    w = WorldBuilder(session, settings, tmp_path)
    c = w.communes("06", (7.0, 43.6), 4)  # 06001…06016, rows of 4 from the south-west
    w.communes("92", (2.2, 48.8), 2)
    made = {
        "alpha": w.cpts("CPTS Alpha", [c[0], c[1], c[4]]),
        "beta": w.cpts("CPTS Bêta", [c[1], c[2], c[5], c[6]]),
        "gamma": w.cpts("CPTS Gamma", [c[1], c[5], c[9], c[10]]),
        "xss": w.cpts(XSS_NAME, [c[12], c[13], c[14], c[15]], status="intention"),
        "ouest": w.cpts("CPTS Ouest", ["92001", "92002"]),
    }
    session.flush()
    return {key: {"id": k.id, "name": k.name, "slug": k.slug} for key, k in made.items()}
