"""The coordinator's place form and the closure form, turned into the API's bodies and checked
by the same schemas (``schemas.places``); the reasons come back beside the form's fields."""
from __future__ import annotations

from ..errors import MapperError, ValidationFailed
from ..schemas.base import load
from ..schemas.places import ClosureInSchema, PlaceCreateSchema, PlaceInSchema
from ..services.communes import resolve_communes
from .guards import field_errors

PLACE_FIELDS = ("nom", "type", "finess", "adresse", "code_postal", "commune", "telephone",
                "site_web", "accessible", "notes")
#: Body field -> form field.
PLACE_MAP = {"name": "nom", "kind": "type", "finess": "finess", "address": "adresse",
             "postcode": "code_postal", "commune": "commune", "lat": "adresse",
             "phone": "telephone", "website": "site_web", "accessible": "accessible",
             "notes": "notes", "external_ref": "nom", "cpts": "nom"}
ACCESSIBLE = {"oui": True, "non": False, "": None}
CLOSURE_MAP = {"starts_on": "du", "ends_on": "au", "reason": "motif"}


def place_values(place: dict | None = None, form=None) -> dict:
    """The form's values: what was typed, else the place's."""
    if form is not None:
        return {k: form.get(k, "").strip() for k in PLACE_FIELDS}
    place = place or {}
    accessible = place.get("accessible")
    return {"nom": place.get("name") or "", "type": place.get("kind") or "",
            "finess": place.get("finess") or "", "adresse": place.get("address") or "",
            "code_postal": place.get("postcode") or "",
            "commune": place.get("commune_name") or place.get("commune") or "",
            "telephone": place.get("phone") or "", "site_web": place.get("website") or "",
            "accessible": "" if accessible is None else ("oui" if accessible else "non"),
            "notes": place.get("notes") or ""}


def place_body(session, values: dict, cpts_id: int, current: dict | None = None
               ) -> tuple[dict, dict[str, list[str]]]:
    """(body, errors) from the form's values; ``current`` is the place being edited."""
    errors: dict[str, list[str]] = {}
    commune = None
    if values["commune"] and current and values["commune"] in (current.get("commune_name"),
                                                               current.get("commune")):
        commune = current.get("commune")
    elif values["commune"]:
        try:
            codes = resolve_communes(session, values["commune"], field="commune")
        except ValidationFailed as exc:
            errors.update(field_errors(exc, default="commune"))
        else:
            if len(codes) == 1:
                commune = codes[0]
            else:
                errors["commune"] = ["Une seule commune."]
    raw = {"name": values["nom"], "kind": values["type"], "finess": values["finess"] or None,
           "address": values["adresse"], "postcode": values["code_postal"] or None,
           "commune": commune, "phone": values["telephone"] or None,
           "website": values["site_web"] or None,
           "accessible": ACCESSIBLE.get(values["accessible"], values["accessible"]),
           "notes": values["notes"] or None}
    if current is None:
        raw["cpts"] = cpts_id
    try:
        body = load(PlaceCreateSchema() if current is None else PlaceInSchema(), raw)
    except ValidationFailed as exc:
        errors.update(place_errors(exc))
        body = {}
    return body, errors


def place_errors(exc: MapperError) -> dict[str, list[str]]:
    out = field_errors(exc, mapping=PLACE_MAP, default="nom")
    if "type" in out:
        out["type"] = ["Choisissez un type de lieu dans la liste."]
    return out


def closure_body(form) -> tuple[dict, dict, dict[str, list[str]]]:
    """(body, values, errors) of the closure form (du, au, motif)."""
    values = {k: form.get(k, "").strip() for k in ("du", "au", "motif")}
    raw = {"starts_on": values["du"], "ends_on": values["au"] or values["du"],
           "reason": values["motif"] or None}
    try:
        return load(ClosureInSchema(), raw), values, {}
    except ValidationFailed as exc:
        return {}, values, closure_errors(exc)


def closure_errors(exc: MapperError) -> dict[str, list[str]]:
    out = field_errors(exc, mapping=CLOSURE_MAP, default="du")
    if "du" in out and any("requis" in str(r) for r in out["du"]):
        out["du"] = ["Indiquez le premier jour de fermeture."]
    return out
