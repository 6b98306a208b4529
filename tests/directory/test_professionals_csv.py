"""The CSV template a CPTS fills in: valid rows imported, row errors with line numbers."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from mapper.imports.professionals_csv import (COLUMNS, CsvFormatError, import_professionals_csv,
                                              parse_slots)
from tests.support import make_settings

TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "templates" / "professionals.csv"


@pytest.fixture()
def settings(database_url):
    return make_settings(database_url)


def write(tmp_path, rows: list[dict], sep=";") -> Path:
    lines = [sep.join(COLUMNS)]
    for row in rows:
        lines.append(sep.join(str(row.get(c, "")) for c in COLUMNS))
    path = tmp_path / "pros.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good(**kw) -> dict:
    row = {"ref": "r1", "first_name": "Zoé", "last_name": "Lemaire", "profession": "60",
           "competencies": "plaies-cicatrisation|diabete", "accepts_new_patients": "oui",
           "home_visits": "oui", "languages": "fr|en", "phone": "0145000000",
           "address": "12 rue de la Paix", "postcode": "75014", "commune": "75002",
           "lat": "48.83", "lon": "2.32", "zone_communes": "75002|75003",
           "slots": "lun 08:00-12:00 snp|sam 20:00-08:00 permanence", "cpts": "cpts-paris-14"}
    row.update(kw)
    return row


def test_the_documented_template_imports(session, communes, settings, tmp_path):
    # The template's own rows use real Paris codes: give them a commune each.
    session.execute(text("""INSERT INTO commune (code, name, kind, geom) VALUES
        ('75114', 'Paris 14e', 'arrondissement', ST_Multi(ST_MakeEnvelope(2.30, 48.81, 2.35, 48.84, 4326))),
        ('75115', 'Paris 15e', 'arrondissement', ST_Multi(ST_MakeEnvelope(2.26, 48.82, 2.30, 48.85, 4326)))"""))
    report = import_professionals_csv(session, TEMPLATE, settings, missing_cpts="skip")
    assert report.ok, report.lines()
    assert report.counts["created"] == 2
    rows = session.execute(text("SELECT s.precision, s.geocode_status FROM practice_site s "
                                "JOIN professional p ON p.id = s.professional_id "
                                "ORDER BY p.external_ref")).all()
    # The first row has no coordinates and the BAN is unreachable in tests: commune point.
    assert rows == [("commune_centroid", "unavailable"), ("address", "ok")]


def test_rows_are_imported_with_everything(session, communes, two_cpts, settings, tmp_path):
    report = import_professionals_csv(session, write(tmp_path, [good()]), settings)
    assert report.ok, report.lines()
    from mapper.services.directory import find_existing, professional_private

    pro = professional_private(session, find_existing(session, external_ref="r1"))
    assert pro["competencies"] == ["diabete", "plaies-cicatrisation"]
    assert pro["accepts_new_patients"] is True and pro["languages"] == ["en", "fr"]
    assert pro["zones"][0]["communes"] == ["75002", "75003"]
    assert [(s["weekday"], s["start"], s["end"], s["kind"]) for s in pro["slots"]] == [
        (1, "08:00", "12:00", "snp"), (6, "20:00", "08:00", "permanence")]
    assert [c["slug"] for c in pro["cpts"]] == ["cpts-paris-14"]
    assert pro["source"] == "csv"


def test_colleague_columns_are_imported_and_checked(session, communes, two_cpts, settings,
                                                   tmp_path):
    rows = [good(private_phone="06 11 22 33 44", mssante="zoe.lemaire@infirmier.mssante.fr",
                 referral_preference="mssante", takes_referrals="oui",
                 colleague_note="Plaies : photo par MSSanté"),
            good(ref="r2", mssante="zoe@gmail.com"),                     # line 3: not MSSanté
            good(ref="r3", referral_preference="pigeon"),                # line 4: unknown way
            good(ref="r4", takes_referrals="bof")]                       # line 5: bad boolean
    report = import_professionals_csv(session, write(tmp_path, rows), settings)
    where = {r.where: r.reason for r in report.rejected}
    assert sorted(where) == ["line 3", "line 4", "line 5"]
    assert "mssante" in where["line 3"] and "referral_preference" in where["line 4"]
    assert "takes_referrals" in where["line 5"]
    from mapper.services.directory import find_existing, professional_private

    pro = professional_private(session, find_existing(session, external_ref="r1"))
    assert (pro["private_phone"], pro["mssante"], pro["referral_preference"],
            pro["takes_referrals"], pro["colleague_note"]) == (
        "06 11 22 33 44", "zoe.lemaire@infirmier.mssante.fr", "mssante", True,
        "Plaies : photo par MSSanté")
    assert report.counts["created"] == 1


def test_row_errors_have_line_numbers_and_valid_rows_still_land(session, communes, two_cpts,
                                                                settings, tmp_path):
    rows = [
        good(),                                             # line 2
        good(ref="r2", profession="999"),                   # line 3: unknown profession
        good(ref="r3", last_name=""),                       # line 4: required
        good(ref="r4", competencies="nope"),                # line 5: unknown competency
        good(ref="r5", slots="lundi matin"),                # line 6: unreadable slot
        good(ref="r6", accessible="peut-être"),             # line 7: bad boolean
        good(ref="r1", first_name="Doublon"),               # line 8: duplicate ref in file
        good(ref="r8", lat="2.32", lon="48.83"),            # line 9: lat/lon swapped
        good(ref="r9", rpps="123"),                         # line 10: bad RPPS
        good(ref="r10", cpts="unknown-cpts"),               # line 11: unknown CPTS
        good(ref="r11", zone_communes="99999"),             # line 12: unknown commune
        good(ref="r12", first_name="Valide", address="1 place X", lat="48.85", lon="2.30"),
    ]
    report = import_professionals_csv(session, write(tmp_path, rows), settings)
    assert not report.ok
    where = {r.where: r.reason for r in report.rejected}
    assert sorted(where, key=lambda w: int(w.split()[1])) == [f"line {n}" for n in range(3, 13)]
    assert "profession" in where["line 3"] and "last_name" in where["line 4"]
    assert "nope" in where["line 5"] and "slots" in where["line 6"]
    assert "accessible" in where["line 7"] and "ligne 2" in where["line 8"]
    assert "France" in where["line 9"] or "sites" in where["line 9"]
    assert "rpps" in where["line 10"] and "unknown-cpts" in where["line 11"]
    assert "99999" in where["line 12"]
    assert report.counts["created"] == 2
    names = session.execute(text("SELECT first_name FROM professional ORDER BY id")).scalars().all()
    assert names == ["Zoé", "Valide"]


def test_reimport_updates_and_twice_changes_nothing(session, communes, two_cpts, settings, tmp_path):
    path = write(tmp_path, [good(), good(ref="r2", first_name="Léo", lat="48.84", lon="2.31",
                                          address="3 rue Y")])
    import_professionals_csv(session, path, settings)
    events = session.execute(text("SELECT count(*) FROM audit_event")).scalar()
    again = import_professionals_csv(session, path, settings)
    assert again.ok and again.counts == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2}
    assert session.execute(text("SELECT count(*) FROM audit_event")).scalar() == events
    changed = write(tmp_path, [good(accepts_new_patients="non", competencies="")])
    third = import_professionals_csv(session, changed, settings)
    assert third.counts["updated"] == 1
    row = session.execute(text("SELECT accepts_new_patients FROM professional "
                               "WHERE external_ref = 'r1'")).scalar()
    assert row is False
    assert session.execute(text("SELECT count(*) FROM professional")).scalar() == 2


def test_unknown_columns_are_a_format_error(session, settings, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("nom;profession\nX;60\n", encoding="utf-8")
    with pytest.raises(CsvFormatError, match="nom"):
        import_professionals_csv(session, path, settings)


def test_slot_syntax():
    assert parse_slots("lun 8h00-12:00 | 7 22:00-02:00 permanence") == [
        {"weekday": 1, "start": "08:00", "end": "12:00", "kind": "snp"},
        {"weekday": 7, "start": "22:00", "end": "02:00", "kind": "permanence"}]


def test_cli_reports_rows_and_exits_non_zero(tmp_path, monkeypatch, fresh_database):
    from click.testing import CliRunner

    from mapper.cli import main

    monkeypatch.setenv("MAPPER_DATABASE_URL", fresh_database)
    row = dict(good(), zone_communes="", cpts="")
    path = write(tmp_path, [row, dict(row, ref="r2", profession="999")])
    result = CliRunner().invoke(main, ["import", "professionals", str(path)])
    assert result.exit_code == 1, result.output
    assert "created: 1" in result.output and "line 3" in result.output
    ok = write(tmp_path, [row])
    result = CliRunner().invoke(main, ["import", "professionals", str(ok)])
    assert result.exit_code == 0 and "unchanged: 1" in result.output, result.output
