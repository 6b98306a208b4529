"""French collation for lists of names, and professions that are not care kept from patients."""
from __future__ import annotations

from sqlalchemy import text

from mapper.services.directory.vocabularies import professions
from mapper.services.pages.home import cpts_list
from mapper.vocab import french_key


def test_collation_exists_and_is_french(session):
    names = ["Psychomotricien", "Pédicure", "Éducateur", "Ergothérapeute", "Diététicien"]
    ordered = session.execute(text(
        "SELECT n FROM unnest(CAST(:n AS text[])) n ORDER BY n COLLATE mapper_fr"),
        {"n": names}).scalars().all()
    assert ordered == ["Diététicien", "Éducateur", "Ergothérapeute", "Pédicure",
                       "Psychomotricien"]
    assert sorted(names, key=french_key) == ordered


def test_professions_in_french_order_and_coordinator_hidden_from_patients(session):
    staff = [p["label"] for p in professions(session)]
    assert staff.index("Pédicure-podologue") < staff.index("Psychomotricien")
    assert staff.index("Éducateur spécialisé") < staff.index("Médiateur en santé")
    assert "Coordinateur" in staff  # the directory keeps it for CPTS staff
    public = {p["code"] for p in professions(session, for_patients=True)}
    assert "coordinateur" not in public and "assistant-medical" not in public
    assert "10" in public


def test_public_pages_do_not_offer_coordinators(client, world):
    cpts = world.cpts("CPTS Choix", world.communes("83", (6.0, 43.1), 2))
    world.professional(profession="coordinateur", cpts=[cpts.id], site=(43.12, 6.02))
    world.professional(profession="80", cpts=[cpts.id], site=(43.12, 6.03))
    world.session.commit()
    for path in ("/", f"/map/cpts/{cpts.slug}", f"/embed/cpts/{cpts.slug}"):
        page = client.get(path).get_data(as_text=True)
        assert 'value="coordinateur"' not in page, path
    home = client.get("/").get_data(as_text=True)
    assert home.index("Pédicure-podologue") < home.index("Psychomotricien")
    widget = client.get(f"/embed/cpts/{cpts.slug}").get_data(as_text=True)
    assert 'value="80"' in widget


def test_cpts_lists_in_french_order(session, world):
    codes = world.communes("83", (6.0, 43.1), 3)
    for name, commune in (("CPTS Zénith", codes[0]), ("CPTS Étang", codes[1]),
                          ("CPTS estuaire", codes[2]), ("CPTS Azur", codes[3])):
        world.cpts(name, [commune])
    names = [c["name"] for c in cpts_list(session)]
    assert names == ["CPTS Azur", "CPTS estuaire", "CPTS Étang", "CPTS Zénith"]
