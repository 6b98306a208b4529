"""A marshmallow ``Schema`` whose messages are French, and French-speaking validators."""
from __future__ import annotations

from marshmallow import Schema as _Schema
from marshmallow import ValidationError, fields, validate

from ..errors import ValidationFailed
from ..messages import N_

#: Per field class (most specific first), the French text of marshmallow's built-in errors.
_MESSAGES: tuple[tuple[type, dict[str, str]], ...] = (
    (fields.Email, {"invalid": N_("adresse e-mail invalide")}),
    (fields.Url, {"invalid": N_("adresse web (URL) invalide")}),
    (fields.AwareDateTime, {"invalid": N_("date et heure ISO 8601 attendues"),
                            "invalid_awareness": N_("date et heure avec fuseau horaire attendues")}),
    (fields.DateTime, {"invalid": N_("date et heure ISO 8601 attendues")}),
    (fields.Date, {"invalid": N_("date attendue (AAAA-MM-JJ)")}),
    (fields.Integer, {"invalid": N_("nombre entier attendu"), "too_large": N_("nombre trop grand")}),
    (fields.Float, {"invalid": N_("nombre attendu"), "too_large": N_("nombre trop grand"),
                    "special": N_("nombre trop grand, NaN ou infini")}),
    (fields.Boolean, {"invalid": N_("oui ou non attendu (true/false)")}),
    (fields.String, {"invalid": N_("texte attendu")}),
    (fields.List, {"invalid": N_("liste attendue")}),
    (fields.Dict, {"invalid": N_("objet attendu")}),
    (fields.Nested, {"type": N_("objet attendu")}),
)
_COMMON = {"required": N_("champ requis"), "null": N_("valeur requise"),
           "validator_failed": N_("valeur invalide")}


class Schema(_Schema):
    """Unknown fields are refused (a typo is a 422 naming the field); messages are French."""

    error_messages = {"unknown": N_("champ inconnu"), "type": N_("objet attendu")}

    def on_bind_field(self, field_name, field_obj):  # noqa: ARG002 - marshmallow's hook
        messages = dict(_COMMON)
        for cls, texts in reversed(_MESSAGES):
            if isinstance(field_obj, cls):
                messages.update(texts)
        if isinstance(field_obj, fields.List):
            self.on_bind_field(field_name, field_obj.inner)
        field_obj.error_messages = {**field_obj.error_messages, **messages}


class _Length(validate.Length):
    """A length check whose error is a catalogue message (see ``mapper.messages``)."""

    def __init__(self, min, max, unit: str):  # noqa: A002
        super().__init__(min=min, max=max)
        self._unit = unit

    def _format_error(self, value, message: str) -> str:  # noqa: ARG002 - marshmallow's hook
        low, high = self.min, self.max
        if self._unit == "items":
            if low and high:
                return N_("de %(min)s à %(max)s éléments", min=low, max=high)
            if high:
                return N_("%(max)s éléments au plus", max=high)
            return N_("%(min)s élément(s) au moins", min=low)
        if low and high:
            return N_("de %(min)s à %(max)s caractères", min=low, max=high)
        if high:
            return N_("%(max)s caractères au plus", max=high)
        return N_("%(min)s caractère(s) au moins", min=low)


def length(min: int | None = None, max: int | None = None) -> validate.Length:  # noqa: A002
    return _Length(min, max, "characters")


def count(min: int | None = None, max: int | None = None) -> validate.Length:  # noqa: A002
    """Bounds of a list."""
    return _Length(min, max, "items")


class _OneOf(validate.OneOf):
    def _format_error(self, value, message: str = "") -> str:  # noqa: ARG002
        return N_("valeur inconnue ; attendu : %(choices)s", choices=", ".join(self.choices))


def one_of(choices) -> validate.OneOf:
    return _OneOf(choices)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class _Range(validate.Range):
    def _format_error(self, value, message: str) -> str:  # noqa: ARG002
        low, high = _number(self.min), _number(self.max)
        if self.min_inclusive:
            return N_("de %(min)s à %(max)s", min=low, max=high)
        return N_("strictement plus de %(min)s à %(max)s", min=low, max=high)


def between(min: float, max: float, *, min_inclusive: bool = True) -> validate.Range:  # noqa: A002
    return _Range(min=min, max=max, min_inclusive=min_inclusive)


def matches(pattern: str, message: str) -> validate.Regexp:
    return validate.Regexp(pattern, error=message)


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages ({"slots": {0: {"end": [...]}}}) as dotted field names
    ({"slots.0.end": [...]}), the way the services name fields."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema" and prefix:
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field_name, reasons in flatten(value, name).items():
                out.setdefault(field_name, []).extend(reasons)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for value in messages:
            for field_name, reasons in flatten(value, prefix).items():
                out.setdefault(field_name, []).extend(reasons)
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out


def load(schema: _Schema, data, *, partial: bool = False):
    """``schema.load(data)``, a failure raised as the services raise it: ValidationFailed with
    field-level French reasons under dotted names (pages, imports)."""
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise ValidationFailed("Données invalides.", errors=flatten(exc.messages)) from None
