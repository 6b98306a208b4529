"""Values crossing the geocoding boundary: what goes in (AddressRow) and what comes out."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Literal

Precision = Literal["address", "street", "commune_centroid"]

#: BAN result types and how precisely they place a practice site. A ``locality`` is a lieu-dit:
#: its point stands for a named place, as coarse as a street. Anything unknown is treated as the
#: least precise so it is never shown as an exact address.
PRECISION_BY_TYPE: dict[str, Precision] = {
    "housenumber": "address",
    "street": "street",
    "locality": "street",
    "municipality": "commune_centroid",
}


@dataclass(frozen=True, slots=True)
class AddressRow:
    """One address to geocode in batch; ``id`` comes back with its result."""

    id: Hashable
    address: str
    postcode: str | None = None
    citycode: str | None = None


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """The best BAN match: WGS84 point, score in [0, 1], BAN label and codes, raw BAN type."""

    lat: float
    lon: float
    score: float
    label: str
    citycode: str | None
    postcode: str | None
    type: str

    @property
    def precision(self) -> Precision:
        return PRECISION_BY_TYPE.get(self.type, "commune_centroid")
