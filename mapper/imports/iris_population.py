"""Import INSEE's IRIS populations (« base-ic-evol-struct-pop-20XX »).

The file is ``;``-separated with a header; the columns used are IRIS (the 9-character code),
COM, TYP_IRIS, LAB_IRIS and P<yy>_POP, whose year prefix changes with each edition (P21_POP in
the 2021 base): it is matched by name and gives the vintage. Populations are fractional (INSEE
weights its census sample). Streamed line by line, staged, then applied in one statement.

All or nothing: a bad line refuses the whole file, naming the line and the column. IRIS without
an outline (not loaded) are counted, not rejected.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from .iris import IRIS_CODE_RE, refuse_if_rejected, IrisFormatError
from .report import ImportReport, cell_problem
from .staging import copy_rows, create_staging

POP_RE = re.compile(r"^P(\d\d)_POP$", re.IGNORECASE)
MAX_IRIS_POPULATION = 1_000_000

_UPDATE = """
    UPDATE iris i SET population = s.population, population_year = %(year)s::int
    FROM stage_iris_pop s WHERE s.code = i.code
    RETURNING i.commune_code
"""


def _header(path: Path, header: list[str]) -> tuple[str, str, int]:
    """(code column, population column, vintage)."""
    upper = {h.strip().upper(): h for h in header}
    pop = [h for h in header if POP_RE.match(h.strip())]
    if "IRIS" not in upper or len(pop) != 1:
        raise IrisFormatError(f"{path}: columns IRIS and one P<yy>_POP (e.g. P21_POP) are "
                              f"required; found {header[:12]}")
    year = 2000 + int(POP_RE.match(pop[0].strip()).group(1))
    return upper["IRIS"], pop[0], year


def _number(raw: str) -> float:
    value = float(raw.replace(" ", "").replace(",", "."))
    if not (0 <= value <= MAX_IRIS_POPULATION):  # also refuses nan
        raise ValueError
    return value


def _rows(reader, code_col: str, pop_col: str, report: ImportReport, lines: list[int]):
    seen: set[str] = set()
    for row in reader:
        line = lines[0] = reader.line_num
        code = (row.get(code_col) or "").strip().upper()
        raw = (row.get(pop_col) or "").strip()
        problem = cell_problem(row.values())
        if problem:
            report.reject(f"line {line}", problem, code[:9] or None)
        elif not IRIS_CODE_RE.match(code):
            report.reject(f"line {line}", f"IRIS: 9-character IRIS code expected, got "
                                          f"{code[:20]!r}", code[:9] or None)
        elif code in seen:
            report.reject(f"line {line}", "IRIS: duplicate code", code)
        else:
            try:
                population = _number(raw)
            except ValueError:
                report.reject(f"line {line}", f"{pop_col}: a number from 0 to "
                              f"{MAX_IRIS_POPULATION} expected, got {raw[:20]!r}", code)
                continue
            seen.add(code)
            yield (code, population)


def import_iris_population(session, path: Path | str) -> ImportReport:
    """Set IRIS populations; ``report.changed``: the communes whose IRIS changed."""
    path = Path(path)
    report = ImportReport(source=str(path))
    lines = [1]
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=";")
            code_col, pop_col, year = _header(path, reader.fieldnames or [])
            create_staging(session, "stage_iris_pop", "code text primary key, population float8")
            read = copy_rows(session, "stage_iris_pop", ("code", "population"),
                             _rows(reader, code_col, pop_col, report, lines))
    except UnicodeDecodeError:
        raise IrisFormatError(f"{path}: line {lines[0] + 1} is not UTF-8 text") from None
    except csv.Error as exc:
        raise IrisFormatError(f"{path}: line {lines[0]}: {exc}") from None
    refuse_if_rejected(path, report)
    run = session.connection().exec_driver_sql
    communes = run(_UPDATE, {"year": year}).scalars().all()
    run("DROP TABLE stage_iris_pop")
    report.changed = sorted(set(communes))
    report.counts.update(read=read, year=year, updated=len(communes),
                         no_outline=read - len(communes))
    return report
