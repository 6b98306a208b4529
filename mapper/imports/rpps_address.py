"""Postal address lines from the split address fields of an RPPS practice situation.

The extraction stores the number, repetition index, street type and street name separately
(and sometimes only a lieu-dit in the complement); the geocoder wants one line such as
"12 bis rue de la Paix". The postcode and commune travel apart, as BAN filters.
"""
from __future__ import annotations

import re
from typing import Protocol


class AddressFields(Protocol):
    """The address fields of a practice situation (``rpps_parse.RppsRow`` has them)."""

    street_number: str | None
    repetition_index: str | None
    street_type_code: str | None
    street_type: str | None
    street_name: str | None
    geo_complement: str | None
    distribution_mention: str | None
    postcode: str | None
    commune_code: str | None

#: Repetition index codes as the extraction writes them.
REPETITION = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}

#: Street type codes used when the extraction gives a code without its label.
STREET_TYPES = {
    "R": "rue", "AV": "avenue", "BD": "boulevard", "PL": "place", "CHE": "chemin", "IMP": "impasse",
    "ALL": "allée", "RTE": "route", "QU": "quai", "QUAI": "quai", "CRS": "cours", "SQ": "square",
    "PAS": "passage", "RES": "résidence", "LD": "lieu-dit", "HAM": "hameau", "FG": "faubourg",
    "PROM": "promenade", "RPT": "rond-point", "VC": "voie communale", "ZA": "zone artisanale",
    "ZI": "zone industrielle", "CITE": "cité", "LOT": "lotissement", "MTE": "montée", "SEN": "sente",
}

#: Mentions that are postal boxes (boîte postale, course spéciale, tri service arrivée), not places.
_POSTAL_BOX = re.compile(r"^(BP|B\.P\.|CS|TSA|CEDEX)\b", re.IGNORECASE)


def _number(raw: str | None) -> str | None:
    if not raw:
        return None
    return (raw.lstrip("0") or raw) if raw.isdigit() else raw


def address_line(row: AddressFields) -> str:
    """"12 bis rue de la Paix", or "" when the row has no street nor named place.

    Without a street name the place-name complement (or a distribution mention that is not a
    postal box) stands in, as for a lieu-dit; a number alone is never an address.
    """
    name = row.street_name
    if not name:
        name = row.geo_complement
        if not name and row.distribution_mention and not _POSTAL_BOX.match(row.distribution_mention):
            name = row.distribution_mention
        if not name:
            return ""
        street_type = None
    else:
        street_type = row.street_type or STREET_TYPES.get((row.street_type_code or "").upper())
        if street_type and name.casefold().startswith(street_type.casefold() + " "):
            street_type = None  # "Rue" + "Rue de la Paix"
    index = row.repetition_index
    if index:
        index = REPETITION.get(index.upper(), index.lower())
    parts = (_number(row.street_number), index, street_type.lower() if street_type else None, name)
    return " ".join(" ".join(part.split()) for part in parts if part)


def has_address(row: AddressFields) -> bool:
    """Whether the row can be geocoded: an address line and a postcode or commune code."""
    return bool(address_line(row)) and bool(row.postcode or row.commune_code)
