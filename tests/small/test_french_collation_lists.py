"""Lists of names shown to people sort in French (``mapper_fr``), not by code points: the
database runs in C.UTF-8, where « CPTS Écouen » would come after « CPTS Zèbre »."""
from __future__ import annotations

from mapper.services.directory.views import professional_private
from mapper.services.pages.territory_map import territory_map

#: Code-point order would be Eaubonne, Zèbre, Écouen, Ézanville.
FRENCH = ["CPTS Eaubonne", "CPTS Écouen", "CPTS Ézanville", "CPTS Zèbre"]


def _world(world):
    codes = world.communes("83", (6.0, 43.1), 2)
    made = [world.cpts(name, [code]) for name, code in
            zip(("CPTS Zèbre", "CPTS Ézanville", "CPTS Eaubonne", "CPTS Écouen"), codes)]
    world.session.flush()
    return made


def test_territory_map_lists_cpts_in_french_order(session, settings, world):
    _world(world)
    found = territory_map(session, settings, departement="83")
    names = [r.name for r in found.rows if r.name in FRENCH]
    assert names == FRENCH
    assert [t.name for t in found.territories if t.name in FRENCH] == FRENCH


def test_professional_cpts_in_french_order(session, world):
    made = _world(world)
    pid = world.professional(site=(43.12, 6.02), cpts=[c.id for c in made])
    assert [c["name"] for c in professional_private(session, pid)["cpts"]] == FRENCH
