"""Import La Poste's « Base officielle des codes postaux » (laposte_hexasmal), as published.

Three layouts are known, all accepted (columns are found by name: case, accents, a leading
``#`` and their order do not matter):

* the file of data.gouv.fr (``019HexaSmal.csv``): ``;``-separated, ISO-8859-1 (Windows-1252),
  header ``#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5``;
* the older datanova export (``laposte_hexasmal.csv``): ``;``-separated, header
  ``Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps``
  (the coordinates are not needed: commune outlines give the points);
* the datanova (data-fair) CSV export: ``,``-separated UTF-8, header
  ``code_commune_insee,nom_de_la_commune,code_postal,libelle_d_acheminement,ligne_5,_geopoint``.

UTF-8 (with or without BOM) is read as such, anything else as Windows-1252. A commune has one
row per « Ligne 5 » (lieu-dit, ancienne commune) of a postcode: they make one (postcode,
commune) pair. Paris, Lyon and Marseille are listed by arrondissement (75101 « PARIS 01 »), as
the commune layer holds them. A code or postcode that lost its leading zero in a spreadsheet
(« 1400 ») gets it back.

All or nothing: a bad row refuses the whole file, naming its line; a re-import replaces the
table. Postcodes of communes the commune layer does not hold are kept (counted in the report).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from sqlalchemy.orm import Session

from .report import FileRefused, ImportReport, cell_problem
from .staging import copy_rows, create_staging

COLUMNS = {"insee": ("code_commune_insee",),
           "name": ("nom_de_la_commune", "nom_commune"),
           "postcode": ("code_postal",),
           "label": ("libelle_d_acheminement", "libelle_acheminement")}
_INSEE = re.compile(r"^(0[1-9]|[1-8]\d|9[0-8]|2[AB])\d{3}$")
_DIGITS = re.compile(r"^\d{4,5}$")

_REPLACE = """
    INSERT INTO postcode (code, commune_code, commune_name, label)
    SELECT DISTINCT ON (code, commune_code) code, commune_code, commune_name, label
    FROM stage_postcode ORDER BY code, commune_code, line
"""


class PostcodeFormatError(FileRefused):
    pass


def _column_key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "_", plain.strip().lstrip("#").strip().lower()).strip("_")


def decode(raw: bytes) -> str:
    """UTF-8 (BOM dropped), else Windows-1252 (La Poste's file), else ISO-8859-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _reader(path: Path) -> tuple[csv.reader, dict[str, int], int]:
    """(rows after the header, column name → index, number of columns)."""
    text = decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    keys = [_column_key(h) for h in header]
    found = {}
    for column, names in COLUMNS.items():
        index = next((keys.index(n) for n in names if n in keys), None)
        if index is not None:
            found[column] = index
    missing = [COLUMNS[c][0] for c in ("insee", "name", "postcode") if c not in found]
    if missing:
        raise PostcodeFormatError(
            f"{path}: not La Poste's postcode file: column(s) {', '.join(missing)} missing; "
            f"found {header[:8]}")
    return reader, found, len(header)


def _code(value: str) -> str:
    value = value.strip().upper()
    return value.zfill(5) if _DIGITS.match(value) else value


def _rows(path: Path, reader, columns: dict[str, int], width: int, report: ImportReport):
    """(code, commune_code, commune_name, label, line) of each row; FileRefused on a bad one."""
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        problem = cell_problem(row)
        if problem is None and len(row) != width:
            problem = f"{len(row)} fields where the header has {width}"
        if problem is None:
            insee, postcode = _code(row[columns["insee"]]), _code(row[columns["postcode"]])
            name = row[columns["name"]].strip()
            label = row[columns["label"]].strip() if "label" in columns else ""
            if not _INSEE.match(insee):
                problem = f"malformed INSEE code {insee[:20]!r}"
            elif not re.fullmatch(r"\d{5}", postcode):
                problem = f"malformed postcode {postcode[:20]!r}"
            elif not name or len(name) > 200 or len(label) > 200:
                problem = "commune name missing or longer than 200 characters"
        if problem:
            raise PostcodeFormatError(f"{path}: line {line_no}: {problem}")
        report.add("rows")
        yield postcode, insee, name, label or None, line_no


def import_postcodes_file(session: Session, path: Path | str) -> ImportReport:
    """Replace the postcode table with the file's (postcode, commune) pairs; all or nothing
    (the caller's transaction is rolled back on ``FileRefused``)."""
    path = Path(path)
    report = ImportReport(source=str(path))
    reader, columns, width = _reader(path)
    create_staging(session, "stage_postcode", "code text, commune_code text, "
                   "commune_name text, label text, line int")
    copy_rows(session, "stage_postcode", ("code", "commune_code", "commune_name", "label",
                                          "line"), _rows(path, reader, columns, width, report))
    if not report.counts.get("rows"):
        raise PostcodeFormatError(f"{path}: no postcode in the file")
    run = session.connection().exec_driver_sql
    replaced = run("DELETE FROM postcode").rowcount
    pairs = run(_REPLACE).rowcount
    postcodes, outside = run(
        "SELECT count(DISTINCT code), count(DISTINCT commune_code) FILTER (WHERE NOT EXISTS "
        "(SELECT 1 FROM commune c WHERE c.code = s.commune_code)) FROM stage_postcode s").one()
    run("DROP TABLE stage_postcode")
    report.counts.update(pairs=pairs, postcodes=postcodes, replaced=replaced,
                         communes_not_loaded=outside)
    if outside:
        report.notes.append(f"{outside} communes of the file are not in the commune layer "
                            "(yet): their postcodes are kept")
    return report
