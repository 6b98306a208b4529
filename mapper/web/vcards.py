"""Colleagues as vCards (RFC 6350, vCard 4.0), written with vobject, to keep in a phone's
contacts. What a card carries comes from ``services.directory.vcards`` (the public entry, plus
the professional-only fields only where the one rule allows them)."""
from __future__ import annotations

import re

import vobject
from flask_babel import gettext

from ..http.i18n import translate

from ..labels import REFERRAL_PREFERENCE

PRODID = "-//Carto CPTS//Annuaire des confrères//FR"


def tel_uri(phone: str) -> str | None:
    """A French number as a ``tel:`` URI (RFC 3966), +33 for a 10-digit national number."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if re.fullmatch(r"0\d{9}", digits):
        digits = "+33" + digits[1:]
    return f"tel:{digits}" if len(digits.lstrip("+")) >= 3 else None


def _tel(card, phone: str | None, types: str, pref: bool = False) -> None:
    uri = tel_uri(phone or "")
    if uri is None:
        return
    tel = card.add("tel")
    tel.value = uri
    tel.params["VALUE"] = ["uri"]
    tel.params["TYPE"] = [types]
    if pref:
        tel.params["PREF"] = ["1"]


def _note(entry: dict) -> str | None:
    parts = []
    if entry.get("referral_preference"):
        label = REFERRAL_PREFERENCE.get(entry["referral_preference"])
        parts.append(gettext("Adressage préféré : %(how)s", how=translate(label) or ""))
    if entry.get("takes_referrals") is not None:
        parts.append(gettext("Reçoit les patients adressés par un confrère") if
                     entry["takes_referrals"] else gettext("Ne reçoit pas de patients adressés"))
    if entry.get("colleague_note"):
        parts.append(entry["colleague_note"])
    return "\n".join(parts) or None


def card_of(entry: dict) -> vobject.base.Component:
    """One card from a public entry or a search result (with the professional-only fields
    when the caller's rule allowed them)."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("prodid").value = PRODID
    card.add("kind").value = "individual"
    name = " ".join(x for x in (entry.get("first_name"), entry["last_name"]) if x)
    card.add("fn").value = name
    card.add("n").value = vobject.vcard.Name(family=entry["last_name"],
                                             given=entry.get("first_name") or "")
    if entry.get("profession_label"):
        card.add("title").value = entry["profession_label"]
    site = entry.get("site") or next(iter(entry.get("sites") or []), None)
    if site:
        card.add("adr").value = vobject.vcard.Address(
            street=site.get("address") or "", city=site.get("commune_name") or "",
            code=site.get("postcode") or "", country="France")
    _tel(card, entry.get("private_phone"), "work,voice", pref=True)
    _tel(card, entry.get("phone"), "work,voice")
    if entry.get("mssante"):
        mail = card.add("email")
        mail.value = entry["mssante"]
        mail.params["TYPE"] = ["work"]
        mail.params["PREF"] = ["1"]
    if entry.get("email"):
        card.add("email").value = entry["email"]
    if entry.get("website"):
        card.add("url").value = entry["website"]
    note = _note(entry)
    if note:
        card.add("note").value = note
    return card




def serialize(entries: list[dict]) -> str:
    return "".join(card_of(e).serialize() for e in entries)
