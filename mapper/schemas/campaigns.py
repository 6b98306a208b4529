"""Campaigns and their permanences: what the API, the coordinator's pages and the demo send.

Dates are ISO (``AAAA-MM-JJ``), hours ``HH:MM`` in Europe/Paris wall-clock time. A permanence
is at a place (``place``) or at a professional's practice site (``site``), one of the two. The
rules that need the database (the date inside the campaign, a known place) are the services'.
"""
from __future__ import annotations

from marshmallow import fields

from ..models import Campaign
from ..vocab import APPOINTMENT_MODES, CAMPAIGN_KINDS
from .base import Schema, between, length, matches, one_of
from .fields import Boolean, ClockTime, Id, column_length, plausible_date

C = Campaign.__table__.c
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class CampaignInSchema(Schema):
    name = fields.String(required=True, validate=length(1, C.name.type.length))
    slug = fields.String(validate=[column_length(C.slug), matches(
        SLUG, "lettres minuscules, chiffres et tirets (grippe-2026-2027)")], metadata={
        "description": "Identifiant dans les adresses ; déduit du nom s'il manque"})
    kind = fields.String(required=True, validate=one_of(CAMPAIGN_KINDS))
    starts_on = fields.Date(required=True, validate=plausible_date, metadata={"description": "Premier jour"})
    ends_on = fields.Date(required=True, validate=plausible_date, metadata={"description": "Dernier jour (inclus)"})
    description = fields.String(allow_none=True, validate=length(max=5000))
    public = Boolean(load_default=True, metadata={
        "description": "Publiée (page publique, flux, exports) ; sinon visible du seul "
                       "coordinateur de la CPTS et des administrateurs"})


class PermanenceInSchema(Schema):
    place = Id(allow_none=True, metadata={"description": "Lieu (identifiant) ; ou site"})
    site = Id(allow_none=True, metadata={
        "description": "Site d'exercice d'un professionnel (identifiant) ; ou lieu"})
    on_date = fields.Date(required=True, data_key="date", validate=plausible_date, metadata={
        "description": "Jour, dans la période de la campagne"})
    start = ClockTime(required=True, metadata={"description": "Début, HH:MM (Europe/Paris)"})
    end = ClockTime(required=True, metadata={"description": "Fin, HH:MM, après le début"})
    appointment = fields.String(load_default="sans_rdv", validate=one_of(APPOINTMENT_MODES),
                                metadata={"description": "sans_rdv, sur_rdv ou les_deux"})
    notes = fields.String(allow_none=True, validate=length(max=2000), metadata={
        "description": "Notes publiques (carte Vitale, étage…)"})
    capacity = fields.Integer(allow_none=True, strict=True, validate=between(1, 10000),
                              metadata={"description": "Nombre de personnes reçues, facultatif"})


class CampaignQuerySchema(Schema):
    include_private = Boolean(load_default=False, metadata={
        "description": "Inclure les campagnes non publiées (coordinateur, administrateur)"})


class PermanenceQuerySchema(Schema):
    since = fields.Date(validate=plausible_date, metadata={"description": "À partir de ce jour (défaut : maintenant)"})
    until = fields.Date(validate=plausible_date, metadata={"description": "Avant ce jour"})
    kind = fields.String(validate=one_of(CAMPAIGN_KINDS))


class CampaignPatchSchema(CampaignInSchema):
    """The fields to change (load it with ``partial=True``)."""


class PermanencePatchSchema(PermanenceInSchema):
    """The fields to change (load it with ``partial=True``)."""
