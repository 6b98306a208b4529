"""`mapper import places`: the documented template imports; re-running changes nothing; a bad
row names its line and nothing of the file is written; the demo loads its places."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from mapper.cli import main
from mapper.config import PROJECT_ROOT
from mapper.imports.places_csv import import_places_csv
from mapper.imports.report import FileRefused

HEADER = "ref;name;kind;finess;address;postcode;commune;lat;lon;phone;website;accessible;notes;cpts\n"
GOOD = ("p1;MSP Alésia;Maison de santé;750712184;18 rue d'Alésia;75014;75002;48.83;2.32;;;oui;;\n"
        "p2;Pharmacie du Parc;pharmacie;;3 rue du Parc;75014;75002;48,831;2,321;;;non;;\n"
        "p3;Salle des fêtes;Salle municipale;;2 place de la Mairie;75014;75002;48.832;2.322;;;;"
        "1er étage;\n")


def write(tmp_path, body: str):
    path = tmp_path / "places.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def count(session) -> int:
    return session.execute(text("SELECT count(*) FROM place")).scalar_one()


def test_template_file_is_documented_and_imports(session, settings, two_cpts):
    template = PROJECT_ROOT / "data" / "templates" / "places.csv"
    readme = (PROJECT_ROOT / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert "mapper import places" in readme and "One transaction per file" in readme
    report = import_places_csv(session, template, settings, cpts="cpts-paris-14")
    assert report.counts["created"] == 1


def test_rows_import_kinds_understood_and_rerun_changes_nothing(session, settings, two_cpts,
                                                                 tmp_path):
    path = write(tmp_path, GOOD)
    report = import_places_csv(session, path, settings, cpts="cpts-paris-14")
    assert report.counts["created"] == 3 and report.ok
    kinds = dict(session.execute(text("SELECT external_ref, kind FROM place")).all())
    assert kinds == {"p1": "msp", "p2": "pharmacie", "p3": "mairie"}
    again = import_places_csv(session, path, settings, cpts="cpts-paris-14")
    assert again.counts["unchanged"] == 3 and again.counts["created"] == 0
    audited = session.execute(text("SELECT count(*) FROM audit_event WHERE action = "
                                   "'place.create' AND actor = 'import:places'")).scalar_one()
    assert audited == 3


def test_a_bad_row_refuses_the_whole_file_naming_each_line(session, settings, two_cpts,
                                                           tmp_path):
    bad = GOOD + ("p4;Centre;centre de santé;750712185;1 rue X;75014;75002;48.83;2.32;;;;;\n"
                  "p5;Labo;laboratoire;;;75014;75002;;;;;;;\n"
                  "p1;Doublon;msp;;1 rue Y;75014;75002;48.83;2.32;;;;;\n")
    with pytest.raises(FileRefused) as refused:
        import_places_csv(session, write(tmp_path, bad), settings, cpts="cpts-paris-14")
    message = str(refused.value)
    assert "line 5" in message and "finess" in message
    assert "line 6" in message and "address" in message
    assert "line 7" in message and "déjà à la ligne 2" in message
    session.rollback()
    assert count(session) == 0


def test_cli_command_writes_nothing_on_a_broken_file(app, session, two_cpts, tmp_path,
                                                     monkeypatch):
    path = write(tmp_path, GOOD + "p9;X;navire;;1 rue Z;75014;75002;48.83;2.32;;;;;\n")
    runner = CliRunner()
    result = runner.invoke(main, ["import", "places", str(path), "--cpts", "cpts-paris-14"],
                           obj=None, catch_exceptions=False,
                           env={"MAPPER_DATABASE_URL": app.extensions["mapper.settings"]
                                .database_url})
    assert result.exit_code != 0
    assert "line 5" in result.output and "kind" in result.output
    assert "nothing of this file was imported" in result.output


def test_demo_places_load(session, settings, tmp_path):
    from mapper.demo import load_communes, load_cpts, load_places, load_professionals

    demo = PROJECT_ROOT / "data" / "demo"
    for loader in (load_communes, load_cpts, load_professionals):
        loader(session, demo, settings)
    lines = load_places(session, demo, settings)
    assert "demo: the first professional's site belongs to the demo MSP" in lines
    assert any("created: 6" in line for line in lines)
    kinds = set(session.execute(text("SELECT kind FROM place")).scalars())
    assert {"msp", "centre_sante", "mairie", "pharmacie"} <= kinds
