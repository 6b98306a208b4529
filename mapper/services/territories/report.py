"""The territory report as files people download: CSV for spreadsheets, GeoJSON for GIS."""
from __future__ import annotations

import csv
import io


def _cell(value):
    """Text a spreadsheet would run as a formula (=, +, -, @…) is quoted with a leading ';
    decimals take a comma, as French spreadsheets read them with the ';' separator."""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        self.writer.writerow([_cell(v) for v in row])


def report_csv(report: dict) -> str:
    """The report as CSV (semicolon-separated, as French spreadsheets expect); names that a
    spreadsheet would take for formulas are neutralised."""
    buf = io.StringIO()
    w = _SafeWriter(csv.writer(buf, delimiter=";", lineterminator="\r\n"))
    w.writerow(["rubrique", "code", "nom", "statut", "population", "surface_km2",
                "part_du_territoire", "communes_partagees"])
    w.writerow(["territoire", "", "Territoire vérifié", "", report["population"],
                report["area_km2"], "1", ""])
    w.writerow(["categorie_taille", "", str(report["size_category"]), "", "", "", "", ""])
    for c in report["communes"]:
        w.writerow(["commune", c["code"], c["nom"], "", c["population"] or "", "",
                    c.get("share", 1), ""])
    for o in report["overlaps"]:
        w.writerow(["chevauchement", o["cpts"]["slug"], o["cpts"]["name"], o["cpts"]["status"],
                    o["population_affected"], o["overlap_area_km2"], o["share_of_candidate"],
                    " ".join(o["shared_communes"])])
    return buf.getvalue()


def report_geojson(report: dict) -> dict:
    """The candidate territory and each overlap as a FeatureCollection (RFC 7946)."""
    features = [{"type": "Feature", "geometry": report["geometry"], "properties": {
        "role": "territoire", "population": report["population"],
        "population_year": report["population_year"], "area_km2": report["area_km2"],
        "size_category": report["size_category"], "region": report["region"],
        "communes": [c["code"] for c in report["communes"]]}}]
    for o in report["overlaps"]:
        features.append({"type": "Feature", "geometry": o.get("geometry"), "properties": {
            "role": "chevauchement", "cpts": o["cpts"]["name"], "slug": o["cpts"]["slug"],
            "status": o["cpts"]["status"], "shared_communes": o["shared_communes"],
            "overlap_area_km2": o["overlap_area_km2"],
            "population_affected": o["population_affected"],
            "population_method": o["population_method"]}})
    return {"type": "FeatureCollection", "features": features}
