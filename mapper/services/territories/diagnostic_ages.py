"""Age structure of a territory next to France's, from INSEE's population by age group per
commune (``commune_population_age``, ``mapper import population-age``)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

#: (column, label): INSEE's groups of the « base-cc-evol-struct-pop » files.
AGE_GROUPS = (("pop_0014", "0–14 ans"), ("pop_1529", "15–29 ans"), ("pop_3044", "30–44 ans"),
              ("pop_4559", "45–59 ans"), ("pop_6074", "60–74 ans"), ("pop_75p", "75 ans ou plus"))

_SUMS = ", ".join(f"coalesce(sum(a.{c}), 0)" for c, _ in AGE_GROUPS)


def _structure(row) -> list[float] | None:
    total = sum(row[1:])
    return [round(v / total, 4) for v in row[1:]] if total else None


def age_structure(session: Session, codes: list[str]) -> dict | None:
    """Shares of each age group in the territory and in France; None when nothing is loaded.
    ``communes_with_ages``: how many of the territory's communes have figures."""
    france = session.execute(text(f"SELECT count(*), {_SUMS} FROM commune_population_age a"
                                  )).one()
    if not france[0]:
        return None
    here = session.execute(text(f"SELECT count(*), {_SUMS} FROM commune_population_age a "
                                "WHERE a.commune_code = ANY(:c)"), {"c": codes}).one()
    year = session.scalar(text("SELECT max(year) FROM commune_population_age"))
    territory, reference = _structure(here), _structure(france)
    return {"year": year, "communes_with_ages": here[0], "communes": len(codes),
            "groups": [{"key": c, "label": label,
                        "population": round(here[1 + i], 1),
                        "share": territory[i] if territory else None,
                        "share_france": reference[i] if reference else None}
                       for i, (c, label) in enumerate(AGE_GROUPS)]}
