"""Import commune populations from CSV (``code,population`` at least).

The columns of the open-data ``communes_population.csv`` (code, nom, departement, region,
population, type, codesPostaux, commune_parent) are accepted as they are; département and
région fill in what the polygons did not carry. Rows for codes without a polygon (whole cities
whose arrondissements are stored, COM) are counted, not rejected.
"""
from __future__ import annotations

from pathlib import Path

from .csvfile import dict_reader, pick_column
from .report import ImportReport
from .staging import copy_rows, create_staging

CODE_COLUMNS = ("code", "codgeo", "code_insee", "insee")
POPULATION_COLUMNS = ("population", "pmun", "population_municipale")


class PopulationFormatError(ValueError):
    pass



def import_population_file(session, path: Path | str, year: int) -> ImportReport:
    path = Path(path)
    report = ImportReport(source=str(path))
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = dict_reader(fh)
        header = reader.fieldnames or []
        code_col = pick_column(header, CODE_COLUMNS)
        pop_col = pick_column(header, POPULATION_COLUMNS)
        if not code_col or not pop_col:
            raise PopulationFormatError(
                f"{path}: columns 'code' and 'population' are required; found {header}"
            )
        dep_col = pick_column(header, ("departement", "dep"))
        reg_col = pick_column(header, ("region", "reg"))
        create_staging(session, "stage_population",
                       "code text primary key, population int, departement text, region text")
        seen: set[str] = set()

        def rows():
            for line_no, row in enumerate(reader, start=2):
                code = (row.get(code_col) or "").strip()
                raw = (row.get(pop_col) or "").strip().replace(" ", "")
                if not code or len(code) != 5:
                    report.reject(f"line {line_no}", f"malformed commune code {code!r}", code or None)
                    continue
                if raw == "":
                    report.add("without_population")
                    continue
                try:
                    population = int(raw)
                    if population < 0:
                        raise ValueError
                except ValueError:
                    report.reject(f"line {line_no}", f"population is not a non-negative integer: {raw!r}", code)
                    continue
                if code in seen:
                    report.reject(f"line {line_no}", "duplicate code", code)
                    continue
                seen.add(code)
                yield (code, population, (row.get(dep_col) or None) if dep_col else None,
                       (row.get(reg_col) or None) if reg_col else None)

        read = copy_rows(session, "stage_population",
                         ("code", "population", "departement", "region"), rows())
    report.changed = session.connection().exec_driver_sql(
        """
        UPDATE commune c SET population = s.population, population_year = %(year)s::int,
               departement = coalesce(c.departement, s.departement),
               region = coalesce(c.region, s.region)
        FROM stage_population s
        WHERE s.code = c.code
          AND (c.population, c.population_year, c.region) IS DISTINCT FROM
              (s.population, %(year)s::int, coalesce(c.region, s.region))
        RETURNING c.code
        """,
        {"year": year},
    ).scalars().all()
    updated = len(report.changed)
    matched = session.connection().exec_driver_sql(
        "SELECT count(*) FROM stage_population s JOIN commune c USING (code)"
    ).scalar_one()
    session.connection().exec_driver_sql("DROP TABLE stage_population")
    report.counts.update(read=read, updated=updated, unchanged=matched - updated,
                         no_polygon=read - matched)
    return report
