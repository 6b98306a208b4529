"""The colleagues page's query (/collegues): what to look for around my practice."""
from __future__ import annotations

from marshmallow import EXCLUDE, fields

from .base import Schema, between, length, matches
from .fields import Boolean


class ColleagueArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # a shared link with extra parameters still opens

    profession = fields.String(load_default="", validate=length(max=32))
    competence = fields.String(load_default="", validate=length(max=64))
    adresses = Boolean(load_default=False)
    #: "proches": everyone near my practice; "cpts": the members of my CPTS.
    perimetre = fields.String(load_default="", validate=matches(r"^(|proches|cpts)$",
                                                                 "proches ou cpts attendu"))
    site = fields.Integer(load_default=0, validate=between(0, 19))
