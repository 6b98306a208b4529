"""What the form of a directory entry shows (templates/web/_entry_form.html), wherever it is:
/moi for the professional, a member's entry for the CPTS coordinator. The form's values come
from the entry (``entry_values``) or from the form sent back (``entry_forms.my_entry_body``)."""
from __future__ import annotations

from .. import labels
from ..services.communes import commune_labels
from ..services.directory.vocabularies import competencies
from ..vocab import SLOT_KINDS

SLOT_KIND_CHOICES = {k: labels.slot_kind(k).capitalize() for k in SLOT_KINDS}
#: Empty slot rows offered below the entry's slots.
BLANK_SLOTS = 2
FORM_FIELDS = ("competences", "nouveaux_patients", "domicile", "zone_communes", "zone_rayon",
               "ligne_directe", "mssante", "adressage", "adresses", "note_confreres")
REFERRAL_CHOICES = dict(labels.REFERRAL_PREFERENCE)


def entry_values(session, entry: dict) -> dict:
    """The form's fields filled from the entry (its private view)."""
    communes = commune_labels(session, [c for z in entry["zones"] if z["kind"] == "communes"
                                        for c in z["communes"]])
    radius = next((z["radius_km"] for z in entry["zones"] if z["kind"] == "radius"), None)
    accepting = entry["accepts_new_patients"]
    return {
        "competences": entry["competencies"],
        "nouveaux_patients": "" if accepting is None else ("oui" if accepting else "non"),
        "domicile": entry["home_visits"], "zone_communes": "\n".join(communes),
        "zone_rayon": "" if radius is None else f"{radius:g}",
        **colleague_values(entry),
        "slots": [{"jour": str(s["weekday"]), "debut": s["start"], "fin": s["end"],
                   "type": s["kind"], "site": "" if s["site"] is None else str(s["site"]),
                   "du": s["valid_from"] or "", "au": s["valid_to"] or "", "suppr": False}
                  for s in entry["slots"]],
    }


def colleague_values(entry: dict) -> dict:
    """The professional-only fields (issue 17) as the form shows them."""
    takes = entry.get("takes_referrals")
    return {"ligne_directe": entry.get("private_phone") or "",
            "mssante": entry.get("mssante") or "",
            "adressage": entry.get("referral_preference") or "",
            "adresses": "" if takes is None else ("oui" if takes else "non"),
            "note_confreres": entry.get("colleague_note") or ""}


def entry_form(session, entry: dict, values: dict, errors: dict) -> dict:
    """The template's variables of the form: values, slot rows (plus blank ones), errors
    beside their fields (the others at the top), the vocabularies."""
    slots = list(values["slots"])
    slots += [{"jour": "", "debut": "", "fin": "", "type": "snp", "site": "", "du": "",
               "au": "", "suppr": False} for _ in range(BLANK_SLOTS)]
    errors = {k if k in FORM_FIELDS or k.startswith("creneau-") else "_form": v
              for k, v in errors.items()}
    return {"entry": entry, "values": values, "slots": slots, "errors": errors,
            "competencies": competencies(session), "weekdays": labels.WEEKDAY,
            "slot_kinds": SLOT_KIND_CHOICES, "referral_choices": REFERRAL_CHOICES}
