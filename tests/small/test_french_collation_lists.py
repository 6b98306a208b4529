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


def test_search_without_a_place_lists_names_in_french_order(session, world):
    """The directory's listing by name (no place given) walks the French name index."""
    from sqlalchemy import text

    from mapper.services.directory import SearchQuery, search_professionals

    for last in ("Zola", "Élie", "Eymard", "Dupont"):
        world.professional(last_name=last, profession="91")
    world.session.flush()
    names = [r["last_name"] for r in search_professionals(session, SearchQuery(
        professions=["91"]))]
    assert names == ["Dupont", "Élie", "Eymard", "Zola"]
    session.execute(text("SET LOCAL enable_seqscan = off"))  # a table of a few rows
    plan = "\n".join(session.execute(text(
        "EXPLAIN SELECT id FROM professional ORDER BY last_name COLLATE mapper_fr, "
        "first_name COLLATE mapper_fr, id LIMIT 5")).scalars())
    assert "ix_professional_name_fr" in plan
