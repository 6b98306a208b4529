"""The project's vocabularies, one source for Python and SQL.

Codes the database checks (``CheckConstraint`` in the models), the schemas validate and the
services branch on. French labels for the UI live apart, in ``mapper.labels``; the migrations
keep their own frozen copies (a migration must not change when this file does).
"""
from __future__ import annotations

# -- CPTS ------------------------------------------------------------------------------------
CPTS_STATUSES = ("intention", "projet", "valide", "rejete")
#: What a CPTS may be created as, or switched between, without an ARS decision.
CREATABLE_STATUSES = ("intention", "projet")
#: What an ARS decision sets.
DECISIONS = ("valide", "rejete")
TERRITORY_KINDS = ("communes", "drawn")

#: ACI size categories: 1 below 40 000 inhabitants, 2 below 80 000, 3 below 175 000, 4 above.
SIZE_THRESHOLDS = (40_000, 80_000, 175_000)
SIZE_CATEGORIES = (1, 2, 3, 4)

# -- accounts --------------------------------------------------------------------------------
ROLES = ("admin", "ars", "coordinator", "professional")

# -- directory -------------------------------------------------------------------------------
SLOT_KINDS = ("snp", "vaccination", "permanence")
#: ISO weekdays: 1 = Monday … 7 = Sunday.
WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)
ZONE_KINDS = ("communes", "radius", "drawn")
ENTRY_SOURCES = ("api", "csv", "rpps", "demo")
PROFESSION_KINDS = ("rpps", "cpts")
PRECISIONS = ("address", "street", "commune_centroid")
GEOCODE_SOURCES = ("given", "ban", "commune")
GEOCODE_STATUSES = ("ok", "low_score", "not_found", "unavailable", "pending")
#: RPPS profession codes, then the roles a CPTS commonly lists: the order of map layers and
#: of the professions in lists. Unknown codes come after, by code.
PROFESSION_ORDER = ("10", "21", "40", "50", "60", "70", "80", "91", "92", "psychologue",
                    "dieteticien")


def size_category(population: int | None) -> int:
    """ACI size category of a population: 1 < 40 000 ≤ 2 < 80 000 ≤ 3 < 175 000 ≤ 4."""
    p = population or 0
    return 1 + sum(p >= threshold for threshold in SIZE_THRESHOLDS)


def size_category_sql(expression: str) -> str:
    """The same rule as an SQL expression over ``expression`` (a population)."""
    cases = " ".join(f"WHEN {expression} < {threshold} THEN {category}"
                     for category, threshold in zip(SIZE_CATEGORIES, SIZE_THRESHOLDS))
    return f"CASE {cases} ELSE {SIZE_CATEGORIES[-1]} END"


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """``column IN ('a', 'b')`` for a check constraint (values are the constants above)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def profession_order(code: str) -> tuple[int, str]:
    """Sort key: known professions in ``PROFESSION_ORDER``, unknown ones after, by code."""
    if code in PROFESSION_ORDER:
        return PROFESSION_ORDER.index(code), ""
    return len(PROFESSION_ORDER), code
