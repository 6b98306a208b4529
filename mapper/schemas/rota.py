"""Input of the on-call rota: a shift, a generation (weekly template + rotation), a swap, the
on-call hours, a date range. The API loads these bodies; the planning page's forms and each row
of the CSV template are turned into the same bodies and loaded here."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from ..models import Shift
from .base import Schema, between, count, one_of
from .fields import Boolean, ClockTime, Id, column_length, plausible_date

S = Shift.__table__.c
#: A generation covers at most this many days (two years: a rota, not a calendar).
MAX_PERIOD_DAYS = 731
ON_CONFLICT = ("refuse", "skip")


class ShiftInSchema(Schema):
    professional = Id(required=True, metadata={"description": "Fiche du professionnel (membre)"})
    date = fields.Date(required=True, validate=plausible_date,
                       metadata={"description": "Jour (heure de Paris), AAAA-MM-JJ"})
    start = ClockTime(required=True, metadata={"description": "HH:MM, heure de Paris"})
    end = ClockTime(required=True, metadata={"description": "HH:MM, après start"})
    overnight = Boolean(load_default=False,
                               metadata={"description": "Finit le lendemain (garde de nuit)"})
    site = Id(allow_none=True, load_default=None,
              metadata={"description": "Un lieu d'exercice du professionnel"})
    place = Id(allow_none=True, load_default=None,
               metadata={"description": "Un lieu (structure) de la CPTS"})
    free_places = fields.Integer(load_default=0, validate=between(0, 500),
                                 metadata={"description": "Places libres (0 à 500)"})
    note = fields.String(allow_none=True, load_default=None, validate=column_length(S.note))

    @validates_schema
    def _one_location(self, data, **kwargs):
        if data.get("site") and data.get("place"):
            raise ValidationError("site ou place, pas les deux", field_name="place")


class ShiftPatchSchema(ShiftInSchema):
    """Every field optional (load it with ``partial=True``): the ones given replace the
    shift's."""


class TemplateLineSchema(Schema):
    weekdays = fields.List(fields.Integer(validate=between(1, 7)), required=True,
                           validate=count(1, 7),
                           metadata={"description": "Jours ISO : 1 = lundi … 7 = dimanche"})
    start = ClockTime(required=True)
    end = ClockTime(required=True)
    overnight = Boolean(load_default=False)
    free_places = fields.Integer(load_default=0, validate=between(0, 500))
    place = Id(allow_none=True, load_default=None,
               metadata={"description": "Un lieu de la CPTS (sinon : le cabinet du titulaire)"})


class GenerateSchema(Schema):
    start_date = fields.Date(required=True, data_key="from", validate=plausible_date)
    end_date = fields.Date(required=True, data_key="to", validate=plausible_date)
    template = fields.List(fields.Nested(TemplateLineSchema), required=True,
                           validate=count(1, 50),
                           metadata={"description": "Semaine type : plusieurs lignes par jour "
                                                    "possibles"})
    professionals = fields.List(Id(), required=True, validate=count(1, 500),
                                metadata={"description": "Ordre du tour de rôle"})
    skip_holidays = Boolean(load_default=True,
                                   metadata={"description": "Sauter les jours fériés"})
    on_conflict = fields.String(load_default="refuse", validate=one_of(ON_CONFLICT),
                                metadata={"description": "refuse : rien n'est écrit si une "
                                          "astreinte chevauche ; skip : la laisser de côté"})
    dry_run = Boolean(load_default=False,
                             metadata={"description": "Calculer sans rien écrire"})

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if end < start:
                raise ValidationError("la fin de la période précède son début", field_name="to")
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise ValidationError(f"{MAX_PERIOD_DAYS} jours au plus", field_name="to")


class SwapSchema(Schema):
    first = Id(required=True, metadata={"description": "Une astreinte"})
    second = Id(required=True, metadata={"description": "L'autre astreinte"})

    @validates_schema
    def _two(self, data, **kwargs):
        if data.get("first") and data.get("first") == data.get("second"):
            raise ValidationError("deux astreintes différentes attendues", field_name="second")


class RangeArgsSchema(Schema):
    start_date = fields.Date(data_key="from", load_default=None, validate=plausible_date)
    end_date = fields.Date(data_key="to", load_default=None, validate=plausible_date)

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and (end < start or (end - start).days > 400):
            raise ValidationError("période de 400 jours au plus, fin après début",
                                  field_name="to")


class RotaHoursSchema(Schema):
    weekdays = fields.List(fields.Integer(validate=between(1, 7)), required=True,
                           validate=count(1, 7))
    start = ClockTime(required=True)
    end = ClockTime(required=True)

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("start") is not None and data.get("end") is not None \
                and data["end"] <= data["start"]:
            raise ValidationError("la fin doit suivre le début", field_name="end")
