"""The « Diagnostic » section of the checker, the CPTS page and the ARS project page, and its
printable report (``/territoires/diagnostic``, A4 print styles, with the map).

``diagnostic_section`` builds what the partial ``web/_diagnostic.html`` needs: the read-model,
the choropleth of the chosen profession's index (``?carte=<code>``) and the links (report,
CSV and GeoJSON downloads of the API)."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import render_template, request, url_for
from flask_babel import gettext

from ...db import get_session
from ...errors import ValidationFailed
from ...http.pagemaps import page_map, page_texts, tiles
from ...maps.diagnostic import CommuneIndex, build_diagnostic_map, classify, index_classes
from ...services.pages.diagnostic import diagnostic_page
from .blueprint import bp

TERRITORY_KEYS = ("cpts", "communes", "departement", "region")


def _map(page: dict, classes):
    focus = page["focus"]
    if focus is None:
        return None
    communes = [CommuneIndex(c["code"], c["nom"], c["population"],
                             (c["accessibility"] or {}).get(focus["code"]),
                             page["outlines"].get(c["code"])) for c in page["communes"]]
    return page_map(build_diagnostic_map(
        communes, classes, tiles(), texts=page_texts(),
        title=gettext("Accessibilité (2SFCA) : %(p)s", p=focus["label"]),
        legend_title=gettext("Indice d'accessibilité : %(p)s", p=focus["label"]),
        unit=gettext("pour 10 000 habitants"), no_value=gettext("Sans point de population")))


def diagnostic_section(args: dict) -> dict:
    """Template variables of the section for the territory ``args`` (one of TERRITORY_KEYS;
    ``communes`` a list of codes). A territory the diagnostic refuses gives ``diag_error``."""
    query = {k: (",".join(v) if isinstance(v, list) else v) for k, v in args.items() if v}
    try:
        page = diagnostic_page(get_session(), args, request.args.get("carte"))
    except ValidationFailed as exc:
        return {"diag": None, "diag_error": exc.detail, "diag_map": None}
    focus = page["focus"]
    values = [(c["accessibility"] or {}).get(focus["code"]) if focus else None
              for c in page["communes"]]
    classes = index_classes(values)
    page["classes"] = classes
    for c, value in zip(page["communes"], values):
        c["focus_value"], c["focus_class"] = value, classify(value, classes)
    api = url_for("diagnostic.get")
    carte = {"carte": focus["code"]} if focus else {}
    links = {"report": url_for("territory_pages.diagnostic_report", **query, **carte),
             "csv": f"{api}?{urlencode({**query, 'format': 'csv'})}",
             "geojson": f"{api}?{urlencode({**query, 'format': 'geojson'})}"}
    return {"diag": page, "diag_map": _map(page, classes), "diag_links": links,
            "diag_error": None}


@bp.route("/territoires/diagnostic")
def diagnostic_report():
    """The printable report of a territory (cpts, communes, departement or region)."""
    args = {k: request.args.get(k) for k in TERRITORY_KEYS if request.args.get(k)}
    if "communes" in args:
        args["communes"] = [c for c in args["communes"].replace(";", ",").split(",") if c]
    section = diagnostic_section(args)
    status = 422 if section["diag_error"] else 200
    return render_template("web/diagnostic.html", **section), status
