"""The RPPS extraction parser reads real-format files by column name, streaming."""
from __future__ import annotations

import dataclasses
import random
import tracemalloc

import pytest

from mapper.imports.rpps_parse import (
    FIELDS, RppsFormatError, RppsReader, RppsRow, address_line, has_address, iter_copy_rows, iter_rows,
)
from tests.factories.rpps_files import (
    HEADER_52, HEADER_56, rpps_record, without_address, write_rpps_bulk, write_rpps_file,
)

POSTCODE = "Code postal (coord. structure)"


def parse(path, **kwargs) -> list[RppsRow]:
    return list(iter_rows(path, **kwargs))


def fields_without_line_no(row: RppsRow) -> dict:
    data = dataclasses.asdict(row)
    data.pop("line_no")
    return data


# -- layouts --------------------------------------------------------------------------------


def test_56_column_row_is_normalised(tmp_path):
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record()])
    (row,) = parse(path)
    assert row.line_no == 2
    assert (row.id_type, row.pp_id, row.national_id) == ("8", "10001234567", "810001234567")
    assert row.is_rpps and not row.is_adeli
    assert (row.civility, row.exercise_civility, row.last_name, row.first_name) == ("MME", "DR", "DUPONT", "Hélène")
    assert (row.profession_code, row.profession_label) == ("10", "Médecin")
    assert (row.savoir_faire_code, row.savoir_faire_label) == ("SM54", "Médecine Générale (SM)")
    assert (row.mode_exercice, row.structure_name, row.trade_name, row.siret) == ("L", "CABINET DU DR DUPONT", None, None)
    assert (row.street_number, row.repetition_index, row.street_type_code, row.street_type, row.street_name) == (
        "12", "B", "R", "Rue", "de la Paix")
    assert (row.postcode, row.commune_code, row.commune_label) == ("75014", "75114", "Paris 14e Arrondissement")
    assert (row.phone, row.email, row.departement_code) == ("0145000000", None, "75")
    assert (row.role_code, row.activity_genre_code) == ("FON-01", "GENR01")


def test_52_column_layout_reads_the_same_without_the_new_columns(tmp_path):
    new = parse(write_rpps_file(tmp_path / "56.txt", [rpps_record()]))[0]
    old = parse(write_rpps_file(tmp_path / "52.txt", [rpps_record()], columns=HEADER_52))[0]
    assert (old.role_code, old.activity_genre_code) == (None, None)
    assert fields_without_line_no(old) == {**fields_without_line_no(new), "role_code": None, "activity_genre_code": None}


def test_columns_are_matched_by_name_not_position(tmp_path):
    shuffled = list(HEADER_56)
    random.Random(4).shuffle(shuffled)
    assert shuffled != list(HEADER_56)
    expected = parse(write_rpps_file(tmp_path / "a.txt", [rpps_record()]))
    assert parse(write_rpps_file(tmp_path / "b.txt", [rpps_record()], columns=shuffled)) == expected


def test_header_names_tolerate_case_and_spacing(tmp_path):
    def variant(name):
        return name.upper() if name == POSTCODE else name.replace(" ", "  ")

    record = {variant(name): value for name, value in rpps_record().items()}
    path = write_rpps_file(tmp_path / "ps.txt", [record], columns=[variant(c) for c in HEADER_56])
    assert parse(path)[0].postcode == "75014"


def test_bom_crlf_and_missing_trailing_pipe_are_tolerated(tmp_path):
    expected = parse(write_rpps_file(tmp_path / "plain.txt", [rpps_record(), rpps_record(pp_id="10009999999")]))
    messy = write_rpps_file(tmp_path / "messy.txt", [rpps_record(), rpps_record(pp_id="10009999999")],
                            bom=True, newline="\r\n", trailing_pipe=False)
    assert messy.read_bytes().startswith(b"\xef\xbb\xbf")
    assert parse(messy) == expected


def test_empty_trailing_field_and_empty_cells(tmp_path):
    record = rpps_record(columns={"Libellé genre activité": ""}, email="", phone="")
    path = write_rpps_file(tmp_path / "ps.txt", [record])
    assert path.read_text().splitlines()[1].endswith("GENR01||")
    (row,) = parse(path)
    assert (row.activity_genre_code, row.phone, row.email) == ("GENR01", None, None)
    assert list(iter_copy_rows(path, ["Libellé genre activité", "Code genre activité"])) == [(None, "GENR01")]


def test_adeli_rows_and_duplicate_activities_are_all_yielded(tmp_path):
    records = [
        rpps_record(pp_id="10001234567", postcode="75014"),
        rpps_record(pp_id="10001234567", postcode="13001", commune_code="13201"),
        rpps_record(id_type="0", pp_id="751234567", profession_code="60"),
    ]
    rows = parse(write_rpps_file(tmp_path / "ps.txt", records))
    assert [(r.line_no, r.pp_id, r.postcode) for r in rows[:2]] == [(2, "10001234567", "75014"), (3, "10001234567", "13001")]
    assert rows[2].is_adeli and rows[2].national_id == "0751234567"


def test_blank_last_line_is_ignored(tmp_path):
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record()])
    path.write_text(path.read_text() + "\n\n")
    assert len(parse(path)) == 1


# -- loud failures --------------------------------------------------------------------------


def test_missing_required_columns_are_named_before_any_row(tmp_path):
    columns = [c for c in HEADER_56 if c not in (POSTCODE, "Nom d'exercice")]
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record()], columns=columns)
    with pytest.raises(RppsFormatError) as info:
        iter_rows(path)  # raised at the call, not at the first next()
    assert info.value.missing == ["Nom d'exercice", POSTCODE]
    assert POSTCODE in str(info.value) and "Nom d'exercice" in str(info.value)
    with pytest.raises(RppsFormatError, match="Code postal"):
        iter_copy_rows(path, ["Identifiant PP", POSTCODE])


def test_a_file_that_is_not_pipe_separated_is_refused(tmp_path):
    path = tmp_path / "ps.csv"
    path.write_text(";".join(HEADER_56) + "\n" + "8;10001234567\n", encoding="utf-8")
    with pytest.raises(RppsFormatError, match="pipe-separated"):
        iter_rows(path)


def test_malformed_lines_are_skipped_and_reported_or_raise_when_strict(tmp_path):
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record(pp_id="1"), rpps_record(pp_id="2"), rpps_record(pp_id="3")])
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("de la Paix", "de la\nPaix")  # a newline inside a value: 2 broken lines
    path.write_text("\n".join(lines) + "\n")
    reader = RppsReader(path)
    assert [r.pp_id for r in reader.rows()] == ["1", "3"]
    assert (reader.malformed, reader.malformed_lines) == (2, [3, 4])
    with pytest.raises(RppsFormatError) as info:
        list(iter_rows(path, strict=True))
    assert info.value.line_no == 3


def test_wrong_encoding_is_a_format_error(tmp_path):
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record()])
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(RppsFormatError):
        list(iter_rows(path))
    assert parse(path, encoding="latin-1")[0].first_name == "Hélène"


# -- COPY fast path -------------------------------------------------------------------------


def test_copy_rows_select_columns_by_name_in_the_requested_order(tmp_path):
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record(), without_address(rpps_record(pp_id="10000000002"))])
    columns = [POSTCODE, "Identifiant PP", "Libellé Voie (coord. structure)"]
    assert list(iter_copy_rows(path, columns)) == [("75014", "10001234567", "de la Paix"), (None, "10000000002", None)]
    assert list(iter_copy_rows(path, ["Identifiant PP"], with_line_no=True)) == [(2, "10001234567"), (3, "10000000002")]


def test_copy_rows_read_absent_optional_columns_as_null(tmp_path):
    path = write_rpps_file(tmp_path / "ps.txt", [rpps_record()], columns=HEADER_52)
    assert list(iter_copy_rows(path, ["Identifiant PP", "Code rôle", "Libellé genre activité"])) == [("10001234567", None, None)]


def test_parser_streams_instead_of_loading_the_file(tmp_path):
    path = write_rpps_bulk(tmp_path / "big.txt", 50_000)
    assert path.stat().st_size > 15_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_copy_rows(path, list(HEADER_56)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 8_000_000


# -- factory --------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", [HEADER_56, HEADER_52])
def test_bulk_files_carry_the_messy_cases(tmp_path, layout):
    path = write_rpps_bulk(tmp_path / "bulk.txt", 5_000, columns=layout)
    rows = list(iter_rows(path, strict=True))
    assert len(rows) == 5_000
    assert sum(r.is_adeli for r in rows) == 100
    assert len({r.pp_id for r in rows if r.is_rpps}) < sum(r.is_rpps for r in rows)  # duplicate activities
    without = sum(not has_address(r) for r in rows)
    assert 100 < without < 1_000
    assert all(r.role_code is None for r in rows) == (layout is HEADER_52)


# -- address lines --------------------------------------------------------------------------


@pytest.fixture
def row_with(tmp_path):
    """Build the RppsRow the parser makes of ``rpps_record(**fields)`` (or of ``record=``)."""
    def build(record=None, **fields) -> RppsRow:
        (row,) = parse(write_rpps_file(tmp_path / "row.txt", [record or rpps_record(**fields)]))
        return row

    return build


def test_address_line_joins_number_index_type_and_street(row_with):
    assert address_line(row_with()) == "12 bis rue de la Paix"
    assert address_line(row_with(repetition_index="T", street_number="0003")) == "3 ter rue de la Paix"
    assert address_line(row_with(repetition_index="", street_number="")) == "rue de la Paix"


def test_address_line_uses_the_type_code_when_the_label_is_missing_and_never_repeats_it(row_with):
    assert address_line(row_with(street_type="", street_type_code="AV", street_name="Jean Jaurès", repetition_index="")) == "12 avenue Jean Jaurès"
    assert address_line(row_with(street_name="RUE DE LA PAIX", repetition_index="")) == "12 RUE DE LA PAIX"


def test_lieu_dit_complement_stands_in_for_a_missing_street_but_a_postal_box_does_not(row_with):
    lieu_dit = row_with(street_name="", street_type="", street_number="", repetition_index="", geo_complement="Les Granges")
    assert address_line(lieu_dit) == "Les Granges" and has_address(lieu_dit)
    box = row_with(street_name="", street_type="", street_number="4", distribution_mention="BP 123")
    assert address_line(box) == "" and not has_address(box)


def test_has_address_needs_a_place_and_a_postcode_or_commune(row_with):
    assert has_address(row_with())
    assert has_address(row_with(postcode=""))
    assert not has_address(row_with(postcode="", commune_code=""))
    bare = row_with(without_address(rpps_record()))
    assert address_line(bare) == "" and not has_address(bare)


# -- real data ------------------------------------------------------------------------------


@pytest.mark.realdata
def test_header_names_match_the_real_extraction(shared_data):
    header_file = shared_data / "rpps_personne_activite_header.txt"
    if not header_file.exists():
        pytest.skip("no RPPS header in the shared data")
    names = header_file.read_text(encoding="utf-8-sig").strip().rstrip("|").split("|")
    assert tuple(names) == HEADER_56
    assert {header for _, header in FIELDS} <= set(names)
