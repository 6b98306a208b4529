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


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One answer of the BAN in autocomplete mode (``/search?autocomplete=1``): what a person
    may have meant while typing. ``context`` is the BAN's "80, Somme, Hauts-de-France"."""

    label: str
    lat: float
    lon: float
    score: float
    type: str
    postcode: str | None = None
    citycode: str | None = None
    city: str | None = None
    context: str | None = None

    @classmethod
    def from_feature(cls, feature: dict) -> "Suggestion":
        """From one GeoJSON Feature of the BAN (KeyError/TypeError/ValueError when unreadable)."""
        lon, lat = feature["geometry"]["coordinates"][:2]
        props = feature.get("properties") or {}
        return cls(label=str(props["label"]), lat=float(lat), lon=float(lon),
                   score=float(props.get("score") or 0.0), type=str(props.get("type") or ""),
                   postcode=props.get("postcode") or None, citycode=props.get("citycode") or None,
                   city=props.get("city") or None, context=props.get("context") or None)

    def as_result(self) -> GeocodeResult:
        """The same place as a geocoding answer, for the cache of single addresses."""
        return GeocodeResult(lat=self.lat, lon=self.lon, score=self.score, label=self.label,
                             citycode=self.citycode, postcode=self.postcode, type=self.type)
