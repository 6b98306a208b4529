"""French labels of the vocabularies, for the pages (one place; ``mapper.vocab`` has the codes).

Services return codes; templates turn them into words through the filters that
``mapper.web.formatting`` registers from these tables.
"""
from __future__ import annotations

CPTS_STATUS = {"intention": "Intention", "projet": "Projet", "valide": "Validée",
               "rejete": "Rejetée"}
SLOT_KIND = {"snp": "soins non programmés", "vaccination": "vaccination",
             "permanence": "permanence"}
WEEKDAY = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre")
SIZE_CATEGORY = {1: "1 (moins de 40 000 habitants)", 2: "2 (40 000 à 80 000 habitants)",
                 3: "3 (80 000 à 175 000 habitants)", 4: "4 (plus de 175 000 habitants)"}


def cpts_status(code: str | None) -> str:
    return CPTS_STATUS.get(code or "", code or "")


def slot_kind(code: str | None) -> str:
    return SLOT_KIND.get(code or "", code or "")


def weekday(iso: int) -> str:
    """1 = lundi … 7 = dimanche."""
    return WEEKDAY[iso - 1]
