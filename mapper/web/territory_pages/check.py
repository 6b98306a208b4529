"""The territory checker: INSEE codes or names (GET, the URL is the report), or a GeoJSON file
(POST); population, size category, area, overlaps, a map, CSV and GeoJSON downloads."""
from __future__ import annotations

import json
import re

from flask import Response, abort, render_template, request

from ...config import get_settings
from ...db import get_session
from ...errors import ValidationFailed
from ...http.pagemaps import report_map
from ...services.communes import resolve_communes
from ...services.territories import territory_report
from ...http.principal import current_principal
from ...services.territories.deposit import deposit_target
from ...services.territories.report import report_csv, report_geojson
from ..guards import field_errors
from .blueprint import bp
from .diagnostic import diagnostic_section

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


# -- the territory checker ------------------------------------------------------------------

def _uploaded_geometry(form, files) -> tuple[object | None, dict[str, list[str]]]:
    """The GeoJSON object of the upload (or of the hidden field of a download form)."""
    raw = None
    upload = files.get("fichier")
    if upload is not None and upload.filename:
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            return None, {"fichier": ["Fichier trop volumineux : 20 Mo au plus."]}
    elif form.get("geometrie"):
        raw = form["geometrie"].encode()
    if not raw:
        return None, {"fichier": ["Choisissez un fichier GeoJSON."]}
    try:
        return json.loads(raw.decode("utf-8-sig")), {}
    except (UnicodeDecodeError, ValueError):
        return None, {"fichier": ["Ce fichier n'est pas un GeoJSON valide (JSON illisible)."]}


def _report_from_request() -> tuple[dict | None, dict[str, list[str]], dict]:
    """(report, errors, what was asked) from a GET (communes) or a POST (GeoJSON)."""
    session, settings = get_session(), get_settings()
    asked = {"communes": request.values.get("communes", ""), "geometrie": None,
             "iris": request.values.get("iris", ""),
             "reparer": request.values.get("reparer") == "1"}
    try:
        if request.method == "POST":
            geometry, errors = _uploaded_geometry(request.form, request.files)
            if errors:
                return None, errors, asked
            report = territory_report(session, geometry=geometry, settings=settings,
                                             repair=asked["reparer"])
            asked["geometrie"] = json.dumps(report["geometry"], separators=(",", ":"))
        else:
            iris = [c for c in re.split(r"[\s,;]+", asked["iris"]) if c]
            codes = (resolve_communes(session, asked["communes"])
                     if asked["communes"].strip() or not iris else None)
            report = territory_report(session, communes=codes, settings=settings,
                                      iris=iris or None)
    except ValidationFailed as exc:
        default = "communes" if request.method == "GET" else "fichier"
        mapping = {"geometry": "fichier", "iris": "iris"}
        return None, field_errors(exc, mapping=mapping, default=default), asked
    return report, {}, asked


def render_check(report, errors, asked, *, deposit_errors=None, deposit_values=None,
                 status: int | None = None):
    """The checker page: the forms, and the report with its map and the deposit form."""
    page_map = report_map(report) if report is not None else None
    deposit = deposit_target(get_session(), current_principal()) if report else None
    section = diagnostic_section({"communes": report_communes(report)}) if report else {}
    return render_template("web/check.html", report=report, errors=errors, asked=asked,
                           page_map=page_map, deposit=deposit, **section,
                           deposit_errors=deposit_errors or {},
                           deposit_values=deposit_values or {}), status or (
                               422 if errors else 200)


def report_communes(report: dict) -> list[str]:
    """The communes of the diagnostic: the listed ones, with those whose IRIS are held (a
    diagnostic is at commune level), or those a drawing cuts."""
    codes = [c["code"] for c in report.get("communes") or []]
    codes += [i["commune"] for i in report.get("iris") or [] if i.get("commune")]
    return sorted(set(codes))


@bp.route("/territoires/verifier", methods=["GET", "POST"])
def check():
    asked = {"communes": "", "iris": "", "reparer": False}
    report, errors = None, {}
    if (request.method == "POST" or request.args.get("communes") is not None
            or request.args.get("iris")):
        report, errors, asked = _report_from_request()
    return render_check(report, errors, asked)


@bp.route("/territoires/verifier/rapport.<fmt>", methods=["GET", "POST"])
def report_download(fmt: str):
    if fmt not in ("csv", "geojson"):
        abort(404)
    report, errors, _ = _report_from_request()
    if report is None:
        raise ValidationFailed("Territoire invalide : corrigez-le sur la page de vérification.",
                               errors=errors)
    headers = {"Content-Disposition": f'attachment; filename="rapport-territoire.{fmt}"'}
    if fmt == "csv":
        return Response("\ufeff" + report_csv(report), mimetype="text/csv",
                        headers=headers)
    return Response(json.dumps(report_geojson(report), ensure_ascii=False),
                    mimetype="application/geo+json", headers=headers)
