"""Import commune populations from CSV (``code,population`` at least).

The columns of the open-data ``communes_population.csv`` (code, nom, departement, region,
population, type, codesPostaux, commune_parent) are accepted as they are; département and
région fill in what the polygons did not carry. Rows for codes without a polygon (whole cities
whose arrondissements are stored, COM) are counted, not rejected.
"""
from __future__ import annotations

from pathlib import Path

from .csvfile import open_csv, pick_column
from .report import FileRefused, ImportReport, cell_problem, int4
from .staging import copy_rows, create_staging

CODE_COLUMNS = ("code", "codgeo", "code_insee", "insee")
POPULATION_COLUMNS = ("population", "pmun", "population_municipale")


class PopulationFormatError(FileRefused):
    pass


_UPDATE = """
    UPDATE commune c SET population = s.population, population_year = %(year)s::int,
           departement = coalesce(c.departement, s.departement),
           region = coalesce(c.region, s.region)
    FROM stage_population s
    WHERE s.code = c.code
      AND (c.population, c.population_year, c.region) IS DISTINCT FROM
          (s.population, %(year)s::int, coalesce(c.region, s.region))
    RETURNING c.code
"""


def _short_code(row: dict, column: str | None) -> str | None:
    """A département or région code (3 characters at most; anything else is not one)."""
    value = (row.get(column) or "").strip() if column else ""
    return value if 0 < len(value) <= 3 else None


def _rows(reader, columns: dict, report: ImportReport):
    """(code, population, département, région) of the good lines; bad ones are reported."""
    seen: set[str] = set()
    code_col, pop_col, dep_col, reg_col = (columns[k] for k in ("code", "pop", "dep", "reg"))
    for line_no, row in enumerate(reader, start=2):
        code = (row.get(code_col) or "").strip()
        raw = (row.get(pop_col) or "").strip().replace(" ", "")
        problem = cell_problem(row.values())
        if problem:
            report.reject(f"line {line_no}", problem, code[:5] or None)
            continue
        if not code or len(code) != 5:
            report.reject(f"line {line_no}", f"malformed commune code {code!r}", code or None)
            continue
        if raw == "":
            report.add("without_population")
            continue
        try:
            population = int(raw)
            if not int4(population):
                raise ValueError
        except ValueError:
            report.reject(f"line {line_no}",
                          f"population is not an integer from 0 to 2 147 483 647: {raw[:20]!r}", code)
            continue
        if code in seen:
            report.reject(f"line {line_no}", "duplicate code", code)
            continue
        seen.add(code)
        yield (code, population, _short_code(row, dep_col), _short_code(row, reg_col))


def import_population_file(session, path: Path | str, year: int) -> ImportReport:
    path = Path(path)
    report = ImportReport(source=str(path))
    reader = open_csv(path)
    header = reader.fieldnames or []
    columns = {"code": pick_column(header, CODE_COLUMNS),
               "pop": pick_column(header, POPULATION_COLUMNS),
               "dep": pick_column(header, ("departement", "dep")),
               "reg": pick_column(header, ("region", "reg"))}
    if not columns["code"] or not columns["pop"]:
        raise PopulationFormatError(
            f"{path}: columns 'code' and 'population' are required; found {header}")
    create_staging(session, "stage_population",
                   "code text primary key, population int, departement text, region text")
    read = copy_rows(session, "stage_population", ("code", "population", "departement", "region"),
                     _rows(reader, columns, report))
    run = session.connection().exec_driver_sql
    report.changed = run(_UPDATE, {"year": year}).scalars().all()
    updated = len(report.changed)
    matched = run("SELECT count(*) FROM stage_population s JOIN commune c USING (code)"
                  ).scalar_one()
    run("DROP TABLE stage_population")
    report.counts.update(read=read, updated=updated, unchanged=matched - updated,
                         no_polygon=read - matched)
    return report
