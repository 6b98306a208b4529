"""Wire format of the BAN batch endpoint ``POST <base>/search/csv``.

The request is a multipart form: ``data`` holds a CSV file, ``columns`` (repeatable) names the
columns joined into the query, and ``postcode`` / ``citycode`` name columns used as per-row
filters (an empty cell means no filter). The response is the same CSV with result columns
appended, rows in the same order. The service sniffs the delimiter, so every field is quoted: an
address full of commas or semicolons cannot then be mistaken for the separator.
"""
from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Sequence

from .results import AddressRow, GeocodeResult

#: Columns the Géoplateforme appends, in its order (the client reads them by name).
RESULT_COLUMNS = (
    "longitude", "latitude", "result_score", "result_score_next", "result_label", "result_type",
    "result_id", "result_banId", "result_housenumber", "result_name", "result_street",
    "result_postcode", "result_city", "result_context", "result_citycode", "result_oldcitycode",
    "result_oldcity", "result_district", "result_status",
)

REF_COLUMN, ADDRESS_COLUMN, POSTCODE_COLUMN, CITYCODE_COLUMN = "row_ref", "address", "postcode", "citycode"

#: Paris, Lyon and Marseille as whole communes: the BAN indexes their addresses under the
#: arrondissement codes, so filtering on these codes would reject every address in them.
WHOLE_CITY_CODES = frozenset({"75056", "69123", "13055"})

#: The BAN rejects (HTTP 400) a query that does not start with a letter or digit.
_LEADING_NON_WORD = re.compile(r"^[\W_]+")
MIN_QUERY_LENGTH = 3


def query_filters(postcode: str | None, citycode: str | None) -> dict[str, str]:
    """Filters for one address: the postcode when known, else the commune code.

    One filter only: stale data (merged communes, moved postcodes) makes the pair disagree with
    the BAN more often than either alone, and one filter already keeps "rue de la Paix" in town.
    """
    postcode = (postcode or "").strip()
    citycode = (citycode or "").strip().upper()
    if postcode:
        return {"postcode": postcode}
    if citycode and citycode not in WHOLE_CITY_CODES:
        return {"citycode": citycode}
    return {}


def clean_query(address: str | None) -> str:
    """Single-line, single-spaced text starting with a letter or digit, cut to the BAN's
    200-character limit at a word break. Shorter than ``MIN_QUERY_LENGTH`` means "do not send"."""
    text = _LEADING_NON_WORD.sub("", " ".join((address or "").split()))
    if len(text) > 200:
        text = text[:200].rsplit(" ", 1)[0]
    return text


def encode_request(rows: Sequence[AddressRow]) -> tuple[bytes, list[tuple[str, str]]]:
    """The CSV file for ``rows`` and the form fields describing its columns."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow((REF_COLUMN, ADDRESS_COLUMN, POSTCODE_COLUMN, CITYCODE_COLUMN))
    any_postcode = any_citycode = False
    for index, row in enumerate(rows):
        filters = query_filters(row.postcode, row.citycode)
        any_postcode |= "postcode" in filters
        any_citycode |= "citycode" in filters
        writer.writerow((index, clean_query(row.address), filters.get("postcode", ""), filters.get("citycode", "")))
    fields = [("columns", ADDRESS_COLUMN)]
    if any_postcode:
        fields.append(("postcode", POSTCODE_COLUMN))
    if any_citycode:
        fields.append(("citycode", CITYCODE_COLUMN))
    return buffer.getvalue().encode("utf-8"), fields


def encode_multipart(fields: list[tuple[str, str]], csv_bytes: bytes, filename: str = "addresses.csv") -> tuple[bytes, str]:
    """A ``multipart/form-data`` body with ``fields`` and the CSV as the ``data`` file."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="{filename}"\r\n'
        "Content-Type: text/csv; charset=utf-8\r\n\r\n".encode()
    )
    parts.append(csv_bytes)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def result_from_record(record: dict[str, str]) -> GeocodeResult | None:
    """The result in one response row, or None when the row was not found or skipped."""
    if record.get("result_status") != "ok" or not record.get("latitude") or not record.get("longitude"):
        return None
    return GeocodeResult(
        lat=float(record["latitude"]),
        lon=float(record["longitude"]),
        score=float(record.get("result_score") or 0.0),
        label=record.get("result_label") or "",
        citycode=record.get("result_citycode") or None,
        postcode=record.get("result_postcode") or None,
        type=record.get("result_type") or "",
    )


class BatchResponseError(ValueError):
    """The response does not line up with the request (truncated, reordered, not CSV)."""


def decode_response(body: bytes, sent: int) -> list[GeocodeResult | None]:
    """Results for the ``sent`` rows, in request order, checked against the echoed row refs."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchResponseError(f"response is not UTF-8: {exc}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {REF_COLUMN, "latitude", "longitude", "result_status"} - set(reader.fieldnames or ())
    if missing:
        raise BatchResponseError(f"response lacks columns {sorted(missing)}")
    results: list[GeocodeResult | None] = []
    for index, record in enumerate(reader):
        if record.get(REF_COLUMN) != str(index):
            raise BatchResponseError(f"response row {index} carries ref {record.get(REF_COLUMN)!r}")
        try:
            results.append(result_from_record(record))
        except ValueError as exc:
            raise BatchResponseError(f"response row {index}: {exc}") from None
    if len(results) != sent:
        raise BatchResponseError(f"response has {len(results)} rows for {sent} sent")
    return results
