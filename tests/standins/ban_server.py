"""Stand-in for the BAN geocoder on the Géoplateforme (``https://data.geopf.fr/geocodage``).

Speaks the real wire format on ``/geocodage/search`` (GeoJSON FeatureCollection) and
``/geocodage/search/csv`` (multipart in, CSV with ``result_*`` columns out), answering from a
small address book instead of the national base. Matching is exact on normalised text (case,
accents and punctuation ignored); with ``autocomplete=1`` every typed word only has to start a
word of an entry (its query or its label), as the BAN completes what is being typed, and up to
``limit`` entries come back, best score first. Filters behave like the BAN's (an empty filter
cell is no filter). Every request is recorded with its arrival time for chunking and rate-limit tests.
"""
from __future__ import annotations

import csv
import email.parser
import email.policy
import io
import math
import re
import unicodedata
import uuid
import zlib
from dataclasses import dataclass

from .http_base import RecordedRequest, Response, StandInServer

RESULT_COLUMNS = (
    "longitude", "latitude", "result_score", "result_score_next", "result_label", "result_type",
    "result_id", "result_banId", "result_housenumber", "result_name", "result_street",
    "result_postcode", "result_city", "result_context", "result_citycode", "result_oldcitycode",
    "result_oldcity", "result_district", "result_status",
)
_QUERY_RULE = re.compile(r"^[^\W_]")


def standin_key(text: str) -> str:
    """How the stand-in compares queries: no case, accents, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def lambert93(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → Lambert-93 (EPSG:2154), as the BAN's ``x``/``y`` properties (IGN formulas)."""
    e, n, c, xs, ys = 0.0818191910428158, 0.7256077650532670, 11754255.426096, 700000.0, 12655612.049876
    phi, lam = math.radians(lat), math.radians(lon)
    iso = math.log(math.tan(math.pi / 4 + phi / 2) * ((1 - e * math.sin(phi)) / (1 + e * math.sin(phi))) ** (e / 2))
    r, gamma = c * math.exp(-n * iso), n * (lam - math.radians(3.0))
    return round(xs + r * math.sin(gamma), 2), round(ys - r * math.cos(gamma), 2)


@dataclass
class BanEntry:
    lon: float
    lat: float
    type: str = "housenumber"
    score: float = 0.9
    postcode: str = ""
    citycode: str = ""
    city: str = ""
    housenumber: str = ""
    street: str = ""
    label: str = ""
    context: str = ""

    def name(self) -> str:
        if self.type == "housenumber":
            return f"{self.housenumber} {self.street}".strip()
        return self.street if self.type in ("street", "locality") else self.city

    def full_label(self) -> str:
        if self.label:
            return self.label
        if self.type == "municipality":
            return self.city
        return " ".join(part for part in (self.name(), self.postcode, self.city) if part)

    def ban_id(self) -> str:
        if self.type == "municipality":
            return self.citycode
        street_id = f"{self.citycode}_{zlib.crc32(self.street.encode()) % 10000:04d}"
        if self.type != "housenumber":
            return street_id
        number = int(re.sub(r"\D", "", self.housenumber) or 0)
        return f"{street_id}_{number:05d}"

    def properties(self) -> dict:
        x, y = lambert93(self.lon, self.lat)
        props = {
            "label": self.full_label(), "score": self.score, "id": self.ban_id(),
            "banId": str(uuid.uuid5(uuid.NAMESPACE_URL, self.full_label())),
            "name": self.name(), "postcode": self.postcode, "citycode": self.citycode,
            "x": x, "y": y, "city": self.city,
            "context": self.context or (self.citycode[:2] if self.citycode else ""),
            "type": self.type, "importance": round(min(1.0, self.score * 0.7), 5),
        }
        if self.type == "housenumber":
            props["housenumber"] = self.housenumber
        if self.type in ("housenumber", "street"):
            props["street"] = self.street
        props["_type"] = "address"
        return props


class BanStandIn(StandInServer):
    """``with BanStandIn({"8 bd du port": {...}}) as ban: BanClient(ban.base_url)``."""

    def __init__(self, address_book: dict[str, BanEntry | dict] | None = None, prefix: str = "/geocodage"):
        super().__init__()
        self.prefix = prefix.rstrip("/")
        self.book: dict[str, BanEntry] = {}
        for query, entry in (address_book or {}).items():
            self.add(query, entry)

    @property
    def base_url(self) -> str:
        return self.root_url + self.prefix

    def add(self, query: str, entry: BanEntry | dict | None = None, **fields) -> BanEntry:
        entry = entry if isinstance(entry, BanEntry) else BanEntry(**{**(entry or {}), **fields})
        self.book[standin_key(query)] = entry
        return entry

    def search_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.rstrip("/") == self.prefix + "/search"]

    def csv_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.rstrip("/") == self.prefix + "/search/csv"]

    # -- matching ---------------------------------------------------------------------------

    def lookup(self, query: str, postcode: str = "", citycode: str = "", type: str = "") -> BanEntry | None:
        entry = self.book.get(standin_key(query))
        if entry is None:
            return None
        if (postcode and entry.postcode != postcode) or (citycode and entry.citycode != citycode):
            return None
        if type and entry.type != type:
            return None
        return entry

    def complete(self, query: str, limit: int, postcode: str = "", citycode: str = "",
                 type: str = "") -> list[BanEntry]:
        """Autocomplete: entries where every typed word starts one of their words."""
        typed = standin_key(query).split()
        found = {}
        for key, entry in self.book.items():
            words = set(key.split()) | set(standin_key(entry.full_label()).split())
            if not all(any(w.startswith(t) for w in words) for t in typed):
                continue
            if (postcode and entry.postcode != postcode) or (citycode and entry.citycode != citycode):
                continue
            if type and entry.type != type:
                continue
            found[entry.full_label()] = entry
        ranked = sorted(found.values(), key=lambda e: (-e.score, e.full_label()))
        return ranked[:max(0, limit)]

    # -- endpoints --------------------------------------------------------------------------

    def handle(self, request: RecordedRequest) -> Response:
        path = request.path.rstrip("/")
        if path == self.prefix + "/search" and request.method == "GET":
            return self._search(request)
        if path == self.prefix + "/search/csv" and request.method == "POST":
            return self._search_csv(request)
        return Response.json({"code": 404, "message": "Not Found"}, 404)

    def _search(self, request: RecordedRequest) -> Response:
        arg = lambda name: (request.query.get(name) or [""])[0]  # noqa: E731
        q = arg("q").strip()
        if not (3 <= len(q) <= 200) or not _QUERY_RULE.match(q):
            return Response.json({"code": 400, "message": "q: must contain between 3 and 200 chars and start with a number or a letter"}, 400)
        try:
            limit = int(arg("limit") or 5)
        except ValueError:
            return Response.json({"code": 400, "message": "limit: must be an integer"}, 400)
        filters = {k: arg(k) for k in ("postcode", "citycode", "type") if arg(k)}
        if arg("autocomplete") == "1":
            entries = self.complete(q, limit, **filters)
        else:
            entry = self.lookup(q, **filters)
            entries = [] if entry is None or limit < 1 else [entry]
        features = [{
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [entry.lon, entry.lat]},
            "properties": entry.properties(),
        } for entry in entries]
        payload = {"type": "FeatureCollection", "version": "draft", "features": features,
                   "attribution": "BAN", "licence": "ETALAB-2.0", "query": q, "limit": limit}
        if filters:
            payload["filters"] = filters
        return Response.json(payload)

    def _search_csv(self, request: RecordedRequest) -> Response:
        form, files = parse_multipart(request.headers.get("Content-Type", ""), request.body)
        if "data" not in files:
            return Response.json({"code": 400, "message": "A CSV file must be provided in data field"}, 400)
        text = files["data"].decode("utf-8-sig")
        try:  # like addok-csv: guess the dialect from the first lines
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;|\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
        header, data = rows[0], rows[1:]
        columns = form.get("columns") or header
        unknown = [c for c in columns if c not in header]
        if unknown:
            return Response.json({"code": 400, "message": f"Cannot found column '{unknown[0]}' in columns {header}"}, 400)
        filter_columns = {k: form[k][0] for k in ("postcode", "citycode") if form.get(k)}
        request.info.update(rows=len(data), columns=list(columns), filters=filter_columns)
        out = io.StringIO(newline="")
        writer = csv.writer(out, delimiter=dialect.delimiter, quotechar=dialect.quotechar, lineterminator="\n")
        writer.writerow(header + list(RESULT_COLUMNS))
        for row in data:
            record = dict(zip(header, row))
            q = " ".join(record.get(c, "") for c in columns).strip()
            filters = {k: record.get(col, "") for k, col in filter_columns.items()}
            writer.writerow(row + self._csv_result(q, filters))
        return Response(200, out.getvalue().encode("utf-8"), "text/csv; charset=utf-8")

    def _csv_result(self, q: str, filters: dict[str, str]) -> list[str]:
        blank = [""] * (len(RESULT_COLUMNS) - 1)
        if not q:
            return blank + ["skipped"]
        entry = self.lookup(q, **filters)
        if entry is None:
            return blank + ["not-found"]
        p = entry.properties()
        return [
            str(entry.lon), str(entry.lat), str(entry.score), "", p["label"], entry.type, p["id"],
            p["banId"], entry.housenumber, p["name"], entry.street, entry.postcode, entry.city,
            p["context"], entry.citycode, "", "", "", "ok",
        ]


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, bytes]]:
    """Form fields (repeatable) and files of a ``multipart/form-data`` body, with stdlib only."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    if not message.is_multipart():
        return fields, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files[name] = payload
        else:
            fields.setdefault(name, []).append(payload.decode("utf-8"))
    return fields, files
