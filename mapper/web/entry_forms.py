"""The page forms that write a directory entry (/moi, a CPTS's "new entry" form), turned into
the API's bodies and checked by the same schemas and services.

A form only translates: its French fields become the body's fields, and the reasons the schema
or the service give (under the body's dotted names) come back beside the form's fields, in the
form's words where it has its own.
"""
from __future__ import annotations

from ..errors import MapperError, ValidationFailed
from ..schemas.base import load
from ..schemas.professionals import ProfessionalCreateSchema, ProfessionalInSchema
from ..services.communes import resolve_communes
from .entry_page import colleague_values
from .guards import field_errors

HH_MM = "Heures attendues au format HH:MM."
#: The /moi form's words for a problem of a field (the last part of its dotted name).
MY_ENTRY_WORDING = {
    "weekday": "Choisissez un jour.", "start": HH_MM, "end": HH_MM,
    "kind": "Type de créneau inconnu.", "radius_km": "Rayon entre 0 et 100 km.",
    "site": "Votre lieu d'exercice n'est pas localisé : indiquez plutôt des communes.",
    "accepts_new_patients": "Choisissez oui, non ou « non précisé ».",
    "competencies": "Compétence inconnue.",
    "mssante": "Adresse MSSanté attendue, par exemple jean.dupont@medecin.mssante.fr.",
    "referral_preference": "Choisissez téléphone, MSSanté ou courrier.",
    "takes_referrals": "Choisissez oui, non ou « non précisé ».",
}
#: Body field of a professional-only field (issue 17) → its field in the entry form.
COLLEAGUE_FORM = {"private_phone": "ligne_directe", "mssante": "mssante",
                  "referral_preference": "adressage", "takes_referrals": "adresses",
                  "colleague_note": "note_confreres"}
ACCEPTING = {"oui": True, "non": False, "": None}
MAX_SLOT_ROWS = 50


# -- /moi ----------------------------------------------------------------------------------------

def _slot_rows(form) -> tuple[list[dict], list[dict], list[int]]:
    """(slots for the body, rows to show again, the form row of each slot sent)."""
    slots, rows, origins = [], [], []
    raw_count = form.get("creneaux", "0")
    count = min(int(raw_count), MAX_SLOT_ROWS) if raw_count.isascii() and raw_count.isdecimal() else 0
    for i in range(count):
        key = f"creneau-{i}"
        row = {"jour": form.get(f"{key}-jour", ""), "debut": form.get(f"{key}-debut", ""),
               "fin": form.get(f"{key}-fin", ""), "type": form.get(f"{key}-type", "snp"),
               "site": form.get(f"{key}-site", ""), "du": form.get(f"{key}-du", ""),
               "au": form.get(f"{key}-au", ""), "suppr": form.get(f"{key}-suppr") == "1"}
        rows.append(row)
        if row["suppr"] or not (row["debut"] or row["fin"]):
            continue
        slots.append({"weekday": row["jour"], "start": row["debut"], "end": row["fin"],
                      "kind": row["type"], "site": row["site"] or None,
                      "valid_from": row["du"] or None, "valid_to": row["au"] or None})
        origins.append(i)
    return slots, rows, origins


def _zones(session, values: dict) -> tuple[list[dict], list[str], dict]:
    """(zones for the body, the form field of each zone, errors of the typed communes)."""
    zones, origins, errors = [], [], {}
    if values["zone_communes"].strip():
        try:
            zones.append({"communes": resolve_communes(session, values["zone_communes"],
                                                       field="zone_communes")})
            origins.append("zone_communes")
        except ValidationFailed as exc:
            errors.update(field_errors(exc))
    radius = values["zone_rayon"].strip().replace(",", ".")
    if radius:
        zones.append({"radius_km": radius, "site": 0})
        origins.append("zone_rayon")
    return zones, origins, errors


def my_entry_body(session, form, entry: dict) -> tuple[dict, dict, dict[str, list[str]]]:
    """The update body from the /moi form: (body, values to show again, errors). Drawn zones
    are kept as they are (the form cannot show them)."""
    slots, rows, slot_origins = _slot_rows(form)
    values = {"competences": [c for c in form.getlist("competences") if c],
              "nouveaux_patients": form.get("nouveaux_patients", ""),
              "domicile": form.get("domicile") == "1",
              "zone_communes": form.get("zone_communes", ""),
              "zone_rayon": form.get("zone_rayon", ""), "slots": rows,
              "origins": {"slots": slot_origins, "zones": []}}
    raw = {"competencies": values["competences"],
           "accepts_new_patients": ACCEPTING.get(values["nouveaux_patients"],
                                                 values["nouveaux_patients"]),
           "home_visits": values["domicile"], "slots": slots}
    values.update(colleague_values(entry))
    for field, name in COLLEAGUE_FORM.items():
        if name in form:  # a form without these fields keeps them as they are
            values[name] = form.get(name, "").strip()
            raw[field] = (ACCEPTING.get(values[name], values[name]) if name == "adresses"
                          else values[name] or None)
    errors: dict[str, list[str]] = {}
    if not any(z["kind"] == "drawn" for z in entry["zones"]):
        raw["zones"], values["origins"]["zones"], errors = _zones(session, values)
    try:
        body = load(ProfessionalInSchema(), raw)
    except ValidationFailed as exc:
        errors.update(my_entry_errors(exc, values["origins"]))
        body = {}
    return body, values, errors


def my_entry_errors(exc: MapperError, origins: dict) -> dict[str, list[str]]:
    """The schema's or the service's reasons beside the /moi form's fields."""
    out: dict[str, list[str]] = {}
    for key, reasons in (exc.errors or {"_form": [exc.detail]}).items():
        parts = key.split(".")
        target = {"competencies": "competences", "accepts_new_patients": "nouveaux_patients",
                  "home_visits": "domicile", **COLLEAGUE_FORM}.get(parts[0], "_form")
        if parts[0] in ("slots", "zones") and len(parts) > 1 and parts[1].isdecimal():
            rows = origins[parts[0]]
            index = int(parts[1])
            if index < len(rows):
                target = f"creneau-{rows[index]}" if parts[0] == "slots" else rows[index]
        if parts[0] == "zones" and target == "_form":
            target = "zone_communes"
        wording = MY_ENTRY_WORDING.get(parts[-1])
        if parts[-1] == "end" and not any("HH:MM" in str(r) for r in reasons):
            wording = None  # the service's reason (an empty slot) says it better
        out.setdefault(target, []).extend([wording] if wording else [str(r) for r in reasons])
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


# -- a CPTS's "new entry" form ---------------------------------------------------------------------

NEW_ENTRY_FIELDS = ("nom", "prenom", "profession", "rpps", "telephone", "adresse",
                    "code_postal", "commune")
#: Body field → (form field, the form's words for a problem there; None: the reason itself).
NEW_ENTRY_MAP = {
    "last_name": ("nom", "Le nom est obligatoire."),
    "first_name": ("prenom", "Prénom : 200 caractères au plus."),
    "profession": ("profession", "Choisissez une profession."),
    "rpps": ("rpps", None),
    "phone": ("telephone", "Téléphone : 40 caractères au plus."),
    "sites.0.address": ("adresse", "L'adresse du lieu d'exercice est obligatoire."),
    "sites.0.lat": ("adresse", None),
    "sites.0.postcode": ("code_postal", "Le code postal a 5 chiffres."),
    "sites.0.commune": ("commune", None),
}


def new_entry_body(session, form, cpts_id: int) -> tuple[dict, dict[str, list[str]]]:
    """The create body from the "new entry" form of a CPTS page: (body, errors)."""
    values = {k: form.get(k, "").strip() for k in NEW_ENTRY_FIELDS}
    errors: dict[str, list[str]] = {}
    commune = None
    if values["commune"]:
        try:
            codes = resolve_communes(session, values["commune"], field="commune")
        except ValidationFailed as exc:
            errors.update(field_errors(exc, default="commune"))
        else:
            if len(codes) != 1:
                errors["commune"] = ["Une seule commune."]
            else:
                commune = codes[0]
    raw = {"last_name": values["nom"], "first_name": values["prenom"],
           "profession": values["profession"], "rpps": values["rpps"] or None,
           "phone": values["telephone"] or None, "cpts": [cpts_id],
           "sites": [{"address": values["adresse"], "postcode": values["code_postal"] or None,
                      "commune": commune}]}
    try:
        body = load(ProfessionalCreateSchema(), raw)
    except ValidationFailed as exc:
        errors.update(new_entry_errors(exc))
        body = {}
    return body, errors


def new_entry_errors(exc: MapperError) -> dict[str, list[str]]:
    """The schema's or the service's reasons beside the "new entry" form's fields (RPPS: the
    reason itself, e.g. "11 chiffres" or "déjà utilisé")."""
    out: dict[str, list[str]] = {}
    for key, reasons in (exc.errors or {"nom": [exc.detail]}).items():
        target, wording = NEW_ENTRY_MAP.get(key, ("nom", None))
        if key == "rpps":
            reasons = ["Le numéro RPPS a 11 chiffres." if "11 chiffres" in str(r) else str(r)
                       for r in reasons]
        out.setdefault(target, []).extend([wording] if wording else [str(r) for r in reasons])
    return out
