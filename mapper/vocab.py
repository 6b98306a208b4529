"""The project's vocabularies, one source for Python and SQL.

Codes the database checks (``CheckConstraint`` in the models), the schemas validate and the
services branch on. French labels for the UI live apart, in ``mapper.labels``; the migrations
keep their own frozen copies (a migration must not change when this file does).
"""
from __future__ import annotations

# -- CPTS ------------------------------------------------------------------------------------
#: The national life cycle: lettre d'intention, projet de santé, validé, contrat ACI signé,
#: rejeté (API values kept since issue 2; ``aci_signe`` added in issue 13).
CPTS_STATUSES = ("intention", "projet", "valide", "aci_signe", "rejete")
#: What a CPTS may be created as, or switched between, without an ARS decision.
CREATABLE_STATUSES = ("intention", "projet")
#: What an ARS decision sets.
DECISIONS = ("valide", "aci_signe", "rejete")
#: The statuses a decision may start from, per decision: only a validated CPTS signs the ACI
#: contract; a signed one is never "validated" again (it may only be rejected).
DECISION_FROM = {"valide": ("intention", "projet", "rejete"),
                 "aci_signe": ("valide",),
                 "rejete": ("intention", "projet", "valide", "aci_signe")}
#: Statuses that count as validated: two of them never overlap; they count in coverage.
VALIDATED_STATUSES = ("valide", "aci_signe")

# -- conciliation of overlaps between projects (issue 13) ------------------------------------
#: a_concilier when detected, en_conciliation (with a note) set by the ARS, resolue_arbitrage
#: once every shared commune is arbitrated, resolue_territoire once they no longer overlap.
CONCILIATION_STATES = ("a_concilier", "en_conciliation", "resolue_arbitrage",
                       "resolue_territoire")
RESOLVED_STATES = ("resolue_arbitrage", "resolue_territoire")
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


_PROFESSION_RANK = {code: rank for rank, code in enumerate(PROFESSION_ORDER)}


def profession_order(code: str) -> tuple[int, str]:
    """Sort key: known professions in ``PROFESSION_ORDER``, unknown ones after, by code (a
    dictionary lookup: maps sort tens of thousands of members with it)."""
    rank = _PROFESSION_RANK.get(code)
    return (rank, "") if rank is not None else (len(PROFESSION_ORDER), code)


# -- places, rota, campaigns (issue 12) ----------------------------------------------------
#: A structure that is not a person: where shifts and permanences happen, and a site may belong.
PLACE_KINDS = ("cabinet", "msp", "centre_sante", "pharmacie", "laboratoire", "ehpad",
               "etablissement", "mairie", "autre")
#: What a campaign is about (the public page filters on it).
CAMPAIGN_KINDS = ("vaccination_grippe", "vaccination_covid", "vaccination", "depistage",
                  "prevention", "autre")
#: How a permanence receives: walk-in, by appointment only, or both.
APPOINTMENT_MODES = ("sans_rdv", "sur_rdv", "les_deux")
#: How a professional prefers to receive a colleague's referral (issue 17).
REFERRAL_PREFERENCES = ("phone", "mssante", "letter")
#: A secure messaging (MSSanté) mailbox: any mailbox under a domain ending in mssante.fr.
MSSANTE_ADDRESS = r"^[A-Za-z0-9._%+'-]+@([A-Za-z0-9-]+\.)*mssante\.fr$"
#: The longest colleague note (shown to colleagues only).
COLLEAGUE_NOTE_MAX = 280
#: Dated events are wall-clock times in this zone (stored with their UTC instants).
LOCAL_TIMEZONE = "Europe/Paris"


# -- orientation -----------------------------------------------------------------------------
#: How far a patient is sent by default, per profession (km): what one walks or drives to for
#: it. Pharmacies and nurses are everywhere (5 km), a GP, a dentist or a kiné is looked for
#: nearby (10 km), a midwife, an orthoptist or a dietitian further (20 km); the RPPS code 10
#: holds general practitioners and specialists alike, the GP's radius is kept (``rayon``
#: widens it). Any other profession, or none asked: ``DEFAULT_RADIUS_KM``.
RADIUS_KM_BY_PROFESSION = {
    "21": 5, "60": 5, "69": 5,
    "10": 10, "40": 10, "70": 10, "35": 10,
    "80": 15, "91": 15, "26": 15, "28": 15,
    "50": 20, "92": 20, "94": 20, "95": 20, "96": 20, "psychologue": 20, "dieteticien": 20,
}
DEFAULT_RADIUS_KM = 15
#: The radii offered to widen a search that found nobody (km).
WIDER_RADII_KM = (5, 10, 20, 50, 100, 200)
#: BAN result types that place a whole commune or postcode, not an address: results are then
#: ordered fairly (a shuffle stable for the day) rather than by a meaningless distance to a
#: town-hall point.
COARSE_PLACE_TYPES = ("municipality", "locality", "postcode")


def default_radius_km(professions) -> float:
    """The search radius when none is asked: the widest of the professions' (several asked:
    each must have its chance), ``DEFAULT_RADIUS_KM`` when none is."""
    radii = [RADIUS_KM_BY_PROFESSION.get(p, DEFAULT_RADIUS_KM) for p in professions or ()]
    return float(max(radii) if radii else DEFAULT_RADIUS_KM)


def wider_radii_km(radius_km: float, count: int = 2) -> tuple[float, ...]:
    """The next radii to offer after ``radius_km`` found nobody."""
    return tuple(float(r) for r in WIDER_RADII_KM if r > radius_km)[:count]


# -- French order (issue 13) -----------------------------------------------------------------
#: The collation of every sorted list of names (migration 0012 chose its ICU source once).
FRENCH_COLLATION = "mapper_fr"


def french_key(text: str | None) -> tuple[str, str]:
    """Python's twin of ``COLLATE mapper_fr`` for lists sorted in memory: accents and case
    count only between otherwise equal words (« Pédicure » < « Psychomotricien »)."""
    import unicodedata

    text = text or ""
    bare = "".join(c for c in unicodedata.normalize("NFD", text.casefold())
                   if not unicodedata.combining(c))
    return bare, text


#: Professions that are not care: CPTS staff find them in the directory, patients are never
#: offered them as someone to consult (public search, maps, widgets).
NOT_FOR_PATIENTS = ("coordinateur", "assistant-medical")
