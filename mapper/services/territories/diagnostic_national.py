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
