"""The 2SFCA accessibility index of one profession for every commune of France at once (``mapper
diagnostic --national``): the statement of ``diagnostic_access`` over every located site of the
profession, no search around a territory first. Read-only."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from .diagnostic import profession_list
from .diagnostic_access import accessibility, method, weighted_mean


def national_accessibility(session: Session, profession: str) -> dict:
    """{profession, communes, population, mean (population-weighted), max, communes_without
    (index 0: no site within reach), values: {code: index}, method}; 422 on ``profession``."""
    profession_list(session, [profession])
    session.execute(text("SET LOCAL work_mem = '256MB'"))
    rows = session.execute(text("SELECT code, coalesce(population, 0) FROM commune "
                                "WHERE pop_point IS NOT NULL")).all()
    codes = [code for code, _ in rows]
    populations = dict(rows)
    index = accessibility(session, codes, [profession], national=True)
    values = {code: v[profession] for code, v in index.items()}
    mean = weighted_mean(values, populations)
    return {"profession": profession, "communes": len(values),
            "population": sum(populations.values()),
            "mean": None if mean is None else round(mean, 6),
            "max": round(max(values.values()), 6) if values else None,
            "communes_without": sum(1 for v in values.values() if v == 0),
            "values": values, "method": method()}


def store_national(session: Session, result: dict) -> int:
    """Keep a national computation for the territories' diagnostics (replaces the previous
    one of the profession); returns the rows written."""
    prof = result["profession"]
    session.execute(text("DELETE FROM commune_accessibility WHERE profession_code = :p"),
                    {"p": prof})
    codes, values = zip(*result["values"].items()) if result["values"] else ((), ())
    session.execute(text(
        "INSERT INTO commune_accessibility (profession_code, commune_code, value, computed_at) "
        "SELECT :p, c, v, now() FROM unnest(CAST(:c AS text[]), CAST(:v AS float8[])) AS x(c, v)"),
        {"p": prof, "c": list(codes), "v": list(values)})
    return len(codes)
