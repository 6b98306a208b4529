"""Import INSEE's population by age group per commune (« Évolution et structure de la
population », file ``base-cc-evol-struct-pop-20XX.CSV``).

The file is ``;``-separated with a header: ``CODGEO`` (the commune code; ``LIBGEO`` in some
editions) and, among a hundred columns, ``P<yy>_POP0014``, ``P<yy>_POP1529``,
``P<yy>_POP3044``, ``P<yy>_POP4559``, ``P<yy>_POP6074`` and either ``P<yy>_POP75P`` (the IRIS
base's spelling) or ``P<yy>_POP7589`` + ``P<yy>_POP90P`` (the communes base's), whose year prefix
changes with each edition: matched by name, it gives the vintage. Populations are fractional
(INSEE weights its census sample), with a decimal point or comma.

All or nothing: a bad line refuses the whole file, naming the line and the column. Communes the
commune layer does not hold (the whole-city codes 75056, 69123 and 13055, whose arrondissements
are stored; communes merged since) are counted, not rejected.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from .report import FileRefused, ImportReport, cell_problem
from .staging import copy_rows, create_staging

GROUPS = ("0014", "1529", "3044", "4559", "6074")
CODE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
MAX_POPULATION = 5_000_000
SHOWN = 10

_APPLY = """
    WITH up AS (
        INSERT INTO commune_population_age AS a (commune_code, year, pop_0014, pop_1529,
            pop_3044, pop_4559, pop_6074, pop_75p)
        SELECT s.code, %(year)s::int, s.p0014, s.p1529, s.p3044, s.p4559, s.p6074, s.p75p
        FROM stage_pop_age s JOIN commune c ON c.code = s.code
        ON CONFLICT (commune_code) DO UPDATE SET year = EXCLUDED.year,
            pop_0014 = EXCLUDED.pop_0014, pop_1529 = EXCLUDED.pop_1529,
            pop_3044 = EXCLUDED.pop_3044, pop_4559 = EXCLUDED.pop_4559,
            pop_6074 = EXCLUDED.pop_6074, pop_75p = EXCLUDED.pop_75p
        RETURNING 1)
    SELECT count(*) FROM up
"""


class PopulationAgeFormatError(FileRefused):
    """Not INSEE's population by age file, or a bad line: nothing is imported."""


def _header(path: Path, header: list[str]) -> tuple[str, dict[str, list[str]], int]:
    """(code column, {group: [columns summed]}, vintage)."""
    names = {h.strip().upper(): h for h in header}
    years = {m.group(1) for h in names if (m := re.match(r"^P(\d\d)_POP0014$", h))}
    code = names.get("CODGEO")
    if code is None or len(years) != 1:
        raise PopulationAgeFormatError(
            f"{path}: columns CODGEO and P<yy>_POP0014 … P<yy>_POP75P (or P<yy>_POP7589 and "
            f"P<yy>_POP90P) are required; found {header[:12]}")
    yy = years.pop()
    wanted = {g: [f"P{yy}_POP{g}"] for g in GROUPS}
    wanted["75p"] = ([f"P{yy}_POP75P"] if f"P{yy}_POP75P" in names
                     else [f"P{yy}_POP7589", f"P{yy}_POP90P"])
    missing = [c for cols in wanted.values() for c in cols if c not in names]
    if missing:
        raise PopulationAgeFormatError(f"{path}: missing column(s) {', '.join(missing)}")
    return code, {g: [names[c] for c in cols] for g, cols in wanted.items()}, 2000 + int(yy)


def _number(raw: str) -> float:
    value = float(raw.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    if not (0 <= value <= MAX_POPULATION):  # also refuses nan
        raise ValueError
    return value


def _row(row: dict, columns: dict[str, list[str]]) -> tuple[list[float] | None, str | None]:
    values = []
    for cols in columns.values():
        total = 0.0
        for col in cols:
            raw = (row.get(col) or "").strip()
            try:
                total += _number(raw)
            except ValueError:
                return None, (f"{col}: a number from 0 to {MAX_POPULATION} expected, got "
                              f"{raw[:20]!r}")
        values.append(total)
    return values, None


def _rows(reader, code_col: str, columns: dict, report: ImportReport, lines: list[int]):
    seen: set[str] = set()
    for row in reader:
        line = lines[0] = reader.line_num
        code = (row.get(code_col) or "").strip().upper()
        problem = cell_problem(row.values())
        if not problem and not CODE_RE.match(code):
            problem = f"CODGEO: 5-character INSEE code expected, got {code[:20]!r}"
        if not problem and code in seen:
            problem = "CODGEO: duplicate code"
        values = None
        if not problem:
            values, problem = _row(row, columns)
        if problem:
            report.reject(f"line {line}", problem, code[:5] or None)
            continue
        seen.add(code)
        yield (code, *values)


def import_population_age(session, path: Path | str) -> ImportReport:
    """Upsert the population by age group of every known commune of the file."""
    path = Path(path)
    report = ImportReport(source=str(path))
    lines = [1]
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=";")
            code_col, columns, year = _header(path, reader.fieldnames or [])
            create_staging(session, "stage_pop_age", "code text primary key, p0014 float8, "
                           "p1529 float8, p3044 float8, p4559 float8, p6074 float8, p75p float8")
            read = copy_rows(session, "stage_pop_age", ("code", "p0014", "p1529", "p3044",
                                                        "p4559", "p6074", "p75p"),
                             _rows(reader, code_col, columns, report, lines))
    except UnicodeDecodeError:
        raise PopulationAgeFormatError(f"{path}: line {lines[0] + 1} is not UTF-8 text") from None
    except csv.Error as exc:
        raise PopulationAgeFormatError(f"{path}: line {lines[0]}: {exc}") from None
    if not report.ok:
        shown = "; ".join(f"{r.where}: {r.reason}" for r in report.rejected[:SHOWN])
        raise PopulationAgeFormatError(f"{path}: {len(report.rejected)} bad row(s): {shown}")
    run = session.connection().exec_driver_sql
    stored = run(_APPLY, {"year": year}).scalar_one()
    run("DROP TABLE stage_pop_age")
    report.counts.update(read=read, year=year, stored=stored, unknown_communes=read - stored)
    return report
