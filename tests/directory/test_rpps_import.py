"""RPPS import on generated files in the real format, messy rows included."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from mapper.imports.rpps import import_rpps_file
from mapper.imports.rpps_parse import RppsFormatError
from tests.factories.rpps_files import (HEADER_52, HEADER_56, rpps_record, without_address,
                                        write_rpps_bulk, write_rpps_file)


def professionals(session):
    return session.execute(text(
        "SELECT rpps, adeli, last_name, first_name, profession_code, specialty, civility, id "
        "FROM professional ORDER BY coalesce(rpps, adeli)")).all()


def sites(session):
    return session.execute(text(
        "SELECT p.rpps, p.adeli, s.address, s.postcode, s.commune_code, s.name, s.geocode_status "
        "FROM practice_site s JOIN professional p ON p.id = s.professional_id "
        "ORDER BY coalesce(p.rpps, p.adeli), s.address")).all()


def messy_records():
    return [
        rpps_record(),  # a GP in Paris 14e
        # Same person, second practice situation at another address; then a duplicate activity
        # at the first address (another role): one site per distinct address.
        rpps_record(street_number="3", street_name="Daguerre", repetition_index=""),
        rpps_record(columns={"Code rôle": "FON-02", "Libellé rôle": "Associé"}),
        # A nurse without any address: kept, without a site.
        without_address(rpps_record(pp_id="10009999999", last_name="NOADDR",
                                    profession_code="60", profession_label="Infirmier",
                                    savoir_faire_code="", savoir_faire_label="")),
        # An ADELI-identified psychomotrician.
        rpps_record(id_type="0", pp_id="759912345", last_name="ADELI", profession_code="96",
                    profession_label="Psychomotricien", savoir_faire_code="", savoir_faire_label="",
                    street_number="8", street_name="Raymond Losserand", repetition_index=""),
        # An empty trailing field (the line ends with "||").
        rpps_record(pp_id="10002222222", last_name="TRAILING",
                    columns={"Code genre activité": "", "Libellé genre activité": ""}),
        # A broken identifier: rejected with its line number.
        rpps_record(pp_id="12AB", last_name="BROKEN"),
    ]


def test_import_messy_file(session, tmp_path):
    path = write_rpps_file(tmp_path / "rpps.txt", messy_records())
    report = import_rpps_file(session, path)
    assert [(r.where, r.key) for r in report.rejected] == [("line 8", "12AB")]
    c = report.counts
    assert c["read"] == 7 and c["without_address"] == 1 and c["adeli_rows"] == 1
    assert c["professionals_inserted"] == 4 and c["sites_inserted"] == 4
    assert c["duplicate_situations"] == 1
    people = professionals(session)
    assert [(p.rpps, p.adeli, p.last_name) for p in people] == [
        ("10001234567", None, "DUPONT"), ("10002222222", None, "TRAILING"),
        ("10009999999", None, "NOADDR"), (None, "759912345", "ADELI")]
    dupont = people[0]
    assert dupont.profession_code == "10" and dupont.specialty == "Médecine Générale (SM)"
    assert dupont.first_name == "Hélène" and dupont.civility == "DR"
    rows = sites(session)
    assert [(s.rpps, s.adeli, s.address) for s in rows] == [
        ("10001234567", None, "12 bis rue de la Paix"), ("10001234567", None, "3 rue Daguerre"),
        ("10002222222", None, "12 bis rue de la Paix"), (None, "759912345", "8 rue Raymond Losserand")]
    assert {s.geocode_status for s in rows} == {"pending"}
    assert "geocode --missing" in " ".join(report.notes)


def test_52_column_layout_in_another_order_gives_the_same_result(session, tmp_path):
    columns = list(reversed(HEADER_52))
    path = write_rpps_file(tmp_path / "old.txt", messy_records(), columns=columns)
    report = import_rpps_file(session, path)
    assert report.counts["professionals_inserted"] == 4 and report.counts["sites_inserted"] == 4


def test_reimport_updates_in_place_and_never_duplicates(session, tmp_path):
    import_rpps_file(session, write_rpps_file(tmp_path / "a.txt", messy_records()))
    ids_before = {p.rpps or p.adeli: p.id for p in professionals(session)}
    again = import_rpps_file(session, write_rpps_file(tmp_path / "b.txt", messy_records()))
    assert again.counts["professionals_inserted"] == 0 and again.counts["professionals_updated"] == 0
    assert again.counts["sites_inserted"] == 0 and again.counts["sites_unchanged"] == 4
    # The GP married and left the rue Daguerre; the ADELI entry keeps its id.
    changed = [r for r in messy_records() if r["Libellé Voie (coord. structure)"] != "Daguerre"]
    changed[0]["Nom d'exercice"] = "DUPONT-MARTIN"
    third = import_rpps_file(session, write_rpps_file(tmp_path / "c.txt", changed))
    assert third.counts["professionals_updated"] == 1 and third.counts["sites_removed"] == 1
    people = professionals(session)
    assert {p.rpps or p.adeli: p.id for p in people} == ids_before
    assert people[0].last_name == "DUPONT-MARTIN"
    assert len(sites(session)) == 3


def test_reimport_keeps_what_the_cpts_curated(session, tmp_path):
    import_rpps_file(session, write_rpps_file(tmp_path / "a.txt", messy_records()))
    session.execute(text("UPDATE professional SET accepts_new_patients = true, "
                         "languages = '{fr,en}' WHERE rpps = '10001234567'"))
    import_rpps_file(session, write_rpps_file(tmp_path / "b.txt", messy_records()))
    row = session.execute(text("SELECT accepts_new_patients, languages FROM professional "
                               "WHERE rpps = '10001234567'")).one()
    assert row == (True, ["fr", "en"])


def test_filters_by_departement_and_profession(session, tmp_path):
    records = messy_records()[:3] + [rpps_record(pp_id="10003333333", last_name="NICE",
                                                 postcode="06000", commune_code="06088",
                                                 departement_code="06")]
    path = write_rpps_file(tmp_path / "f.txt", records)
    report = import_rpps_file(session, path, departements=["06"])
    assert report.counts["skipped_by_filter"] == 3
    assert [p.last_name for p in professionals(session)] == ["NICE"]
    report = import_rpps_file(session, path, professions=["60"])
    assert report.counts["skipped_by_filter"] == 4


def test_missing_column_is_a_format_error(tmp_path, session):
    columns = [c for c in HEADER_56 if c != "Identifiant PP"]
    path = write_rpps_file(tmp_path / "bad.txt", [rpps_record()], columns=columns)
    with pytest.raises(RppsFormatError, match="Identifiant PP"):
        import_rpps_file(session, path)


def test_cached_addresses_are_placed_at_import(session, tmp_path):
    from mapper.geocoding import GeocodeResult, normalise_address
    from mapper.services.geocoding import cache_store

    cache_store(session, [(normalise_address("12 bis rue de la Paix", "75014", "75114"),
                           GeocodeResult(48.83, 2.32, 0.95, "12 bis Rue de la Paix", "75114",
                                         "75014", "housenumber"))])
    import_rpps_file(session, write_rpps_file(tmp_path / "a.txt", messy_records()[:1]))
    row = session.execute(text("SELECT geocode_status, precision, ST_Y(geom), ST_X(geom) "
                               "FROM practice_site")).one()
    assert row == ("ok", "address", 48.83, 2.32)


def test_bulk_file_counts_add_up(session, tmp_path):
    path = write_rpps_bulk(tmp_path / "bulk.txt", 5000, seed=1)
    report = import_rpps_file(session, path)
    c = report.counts
    assert report.ok and c["read"] == 5000
    n = session.execute(text("SELECT count(*) FROM professional")).scalar()
    assert n == c["professionals_inserted"]
    assert c["adeli_rows"] == 100
    again = import_rpps_file(session, path)
    assert again.counts["professionals_inserted"] == 0 and again.counts["sites_inserted"] == 0


def test_cli_exits_non_zero_on_rejections(app, tmp_path, monkeypatch, fresh_database):
    from mapper.cli import main

    monkeypatch.setenv("MAPPER_DATABASE_URL", fresh_database)
    path = write_rpps_file(tmp_path / "rpps.txt", messy_records())
    result = CliRunner().invoke(main, ["import", "rpps", str(path)])
    assert result.exit_code == 1, result.output
    assert "line 8" in result.output and "professionals_inserted: 4" in result.output
    ok = write_rpps_file(tmp_path / "ok.txt", messy_records()[:3])
    result = CliRunner().invoke(main, ["import", "rpps", str(ok), "--departement", "75"])
    assert result.exit_code == 0, result.output
