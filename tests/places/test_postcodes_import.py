"""``mapper import postcodes``: La Poste's file in each layout it was published in, all or
nothing (a bad row refuses the file, naming its line), a re-import replacing the table."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from mapper.imports.postcodes import PostcodeFormatError, import_postcodes_file

from .conftest import HEXASMAL_ROWS, hexasmal


def pairs(session) -> list[tuple]:
    return [tuple(r) for r in session.execute(text(
        "SELECT code, commune_code, commune_name, label FROM postcode ORDER BY 1, 2"))]


def test_the_data_gouv_file(session, tmp_path):
    report = import_postcodes_file(session, hexasmal(tmp_path / "019HexaSmal.csv"))
    assert report.counts == {"rows": 11, "pairs": 10, "postcodes": 9, "replaced": 0,
                             "communes_not_loaded": 10}
    got = pairs(session)
    assert ("06230", "06159", "VILLEFRANCHE SUR MER", "VILLEFRANCHE SUR MER") in got
    assert ("75014", "75114", "PARIS 14", "PARIS") in got  # Paris by arrondissement


def test_the_older_datanova_export_with_coordinates(session, tmp_path):
    path = tmp_path / "laposte_hexasmal.csv"
    path.write_text(
        "Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;"
        "coordonnees_gps\n"
        "06122;ST JEANNET;06640;;ST JEANNET;43.7481666,7.1440217\n"
        "2A004;AJACCIO;20000;;AJACCIO;41.9347,8.7013\n"
        "1001;L ABERGEMENT CLEMENCIAT;1400;;L ABERGEMENT CLEMENCIAT;46.1534,4.9261\n",
        encoding="utf-8")
    import_postcodes_file(session, path)
    assert [p[:2] for p in pairs(session)] == [("01400", "01001"), ("06640", "06122"),
                                                ("20000", "2A004")]


def test_the_datanova_comma_export(session, tmp_path):
    path = tmp_path / "laposte-hexasmal.csv"
    path.write_text(
        "\ufeffcode_commune_insee,nom_de_la_commune,code_postal,libelle_d_acheminement,ligne_5,"
        "_geopoint\n"
        '83115,STE MAXIME,83120,STE MAXIME,,"43.3090,6.6358"\n'
        '83115,STE MAXIME,83120,STE MAXIME,LA NARTELLE,"43.3090,6.6358"\n', encoding="utf-8")
    report = import_postcodes_file(session, path)
    assert report.counts["rows"] == 2 and pairs(session) == [
        ("83120", "83115", "STE MAXIME", "STE MAXIME")]


@pytest.mark.parametrize("row,reason", [
    ("06122;ST JEANNET;6640X;ST JEANNET;", "line 4: malformed postcode '6640X'"),
    ("00612;NOWHERE;06640;NOWHERE;", "line 4: malformed INSEE code '00612'"),
    ("06122;;06640;ST JEANNET;", "line 4: commune name missing"),
    ("06122;ST JEANNET;06640", "line 4: 3 fields where the header has 5"),
])
def test_a_bad_row_refuses_the_whole_file_naming_its_line(session, tmp_path, row, reason):
    import_postcodes_file(session, hexasmal(tmp_path / "good.csv"))
    session.commit()
    before = pairs(session)
    bad = hexasmal(tmp_path / "bad.csv", rows=[HEXASMAL_ROWS[0], HEXASMAL_ROWS[3], row])
    with pytest.raises(PostcodeFormatError) as info:
        import_postcodes_file(session, bad)
    assert reason in str(info.value)
    session.rollback()  # what the command's transaction does
    assert pairs(session) == before and len(before) == 10


def test_not_a_postcode_file(session, tmp_path):
    path = tmp_path / "communes.csv"
    path.write_text("code,nom\n06122,Saint-Jeannet\n", encoding="utf-8")
    with pytest.raises(PostcodeFormatError, match="code_commune_insee, nom_de_la_commune, code_postal missing"):
        import_postcodes_file(session, path)
    with pytest.raises(PostcodeFormatError, match="no postcode"):
        import_postcodes_file(session, hexasmal(tmp_path / "empty.csv", rows=[]))


def test_reimport_replaces(session, tmp_path):
    import_postcodes_file(session, hexasmal(tmp_path / "a.csv"))
    report = import_postcodes_file(session, hexasmal(tmp_path / "b.csv", rows=HEXASMAL_ROWS[:2]))
    assert report.counts["replaced"] == 10 and report.counts["pairs"] == 1
    assert [p[:2] for p in pairs(session)] == [("06230", "06159")]
    report = import_postcodes_file(session, hexasmal(tmp_path / "b.csv", rows=HEXASMAL_ROWS[:2]))
    assert report.counts["replaced"] == 1 and len(pairs(session)) == 1  # idempotent


def test_the_command_all_or_nothing(fresh_database, tmp_path, monkeypatch):
    from sqlalchemy import create_engine

    from mapper.cli import main

    monkeypatch.setenv("MAPPER_DATABASE_URL", fresh_database)
    runner = CliRunner()
    good = runner.invoke(main, ["import", "postcodes", str(hexasmal(tmp_path / "good.csv"))])
    assert good.exit_code == 0, good.output
    assert "pairs: 10" in good.output
    bad = hexasmal(tmp_path / "bad.csv", rows=["92075;VANVES;92170;VANVES;", "x;y;z;t;"])
    refused = runner.invoke(main, ["import", "postcodes", str(bad)])
    assert refused.exit_code != 0
    assert "line 3: malformed INSEE code 'X'" in refused.output
    assert "nothing of this file was imported" in refused.output
    engine = create_engine(fresh_database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM postcode")).scalar() == 10
    engine.dispose()
