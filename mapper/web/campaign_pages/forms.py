"""The coordinator's forms (French field names) to the API's bodies, and the services' errors
back to the forms' fields."""
from __future__ import annotations

from ...errors import MapperError
from ...schemas.base import load
from ...schemas.campaigns import CampaignInSchema, CampaignPatchSchema, PermanenceInSchema
from ..guards import field_errors

CAMPAIGN_FIELDS = {"nom": "name", "type": "kind", "debut": "starts_on", "fin": "ends_on",
                   "description": "description", "identifiant": "slug"}
PERMANENCE_FIELDS = {"date": "date", "debut": "start", "fin": "end",
                     "rendez_vous": "appointment", "capacite": "capacity", "notes": "notes"}
#: service field → form field
CAMPAIGN_ERRORS = {**{v: k for k, v in CAMPAIGN_FIELDS.items()}, "public": "publique"}
PERMANENCE_ERRORS = {**{v: k for k, v in PERMANENCE_FIELDS.items()}, "place": "lieu",
                     "site": "lieu"}


def _text(form, name: str) -> str:
    return (form.get(name) or "").strip()


def campaign_values(form) -> dict:
    values = {name: _text(form, name) for name in CAMPAIGN_FIELDS}
    values["publique"] = form.get("publique") == "1"
    return values


def campaign_body(form, *, partial: bool = False) -> dict:
    """A ``CampaignInSchema`` body; raises ValidationFailed with the API's field names."""
    values = campaign_values(form)
    data = {api: values[name] for name, api in CAMPAIGN_FIELDS.items()
            if values[name] or name not in ("identifiant",)}
    data["description"] = data.get("description") or None
    data["public"] = values["publique"]
    schema = CampaignPatchSchema() if partial else CampaignInSchema()
    return load(schema, data, partial=partial)


def permanence_values(form) -> dict:
    return {name: _text(form, name) for name in (*PERMANENCE_FIELDS, "lieu")}


def permanence_body(form) -> dict:
    """A ``PermanenceInSchema`` body from the form (``lieu`` is ``place:<id>`` or
    ``site:<id>``)."""
    values = permanence_values(form)
    data = {api: values[name] or None for name, api in PERMANENCE_FIELDS.items()}
    data["appointment"] = data["appointment"] or "sans_rdv"
    capacity = data["capacity"]
    if capacity is not None and capacity.isascii() and capacity.isdecimal():
        data["capacity"] = int(capacity)
    kind, _, ident = values["lieu"].partition(":")
    if kind not in ("place", "site"):
        kind, ident = "place", values["lieu"]
    data["place"] = data["site"] = None
    data[kind] = int(ident) if ident.isascii() and ident.isdecimal() else (ident or None)
    return load(PermanenceInSchema(), data)


def campaign_errors(exc: MapperError) -> dict[str, list[str]]:
    return field_errors(exc, CAMPAIGN_ERRORS)


def permanence_errors(exc: MapperError) -> dict[str, list[str]]:
    return field_errors(exc, PERMANENCE_ERRORS)
