"""A marshmallow ``Schema`` whose messages are French, and French-speaking validators."""
from __future__ import annotations

from marshmallow import Schema as _Schema
from marshmallow import ValidationError, fields, validate

from ..errors import ValidationFailed

#: Per field class (most specific first), the French text of marshmallow's built-in errors.
_MESSAGES: tuple[tuple[type, dict[str, str]], ...] = (
    (fields.Email, {"invalid": "adresse e-mail invalide"}),
    (fields.Url, {"invalid": "adresse web (URL) invalide"}),
    (fields.AwareDateTime, {"invalid": "date et heure ISO 8601 attendues",
                            "invalid_awareness": "date et heure avec fuseau horaire attendues"}),
    (fields.DateTime, {"invalid": "date et heure ISO 8601 attendues"}),
    (fields.Date, {"invalid": "date attendue (AAAA-MM-JJ)"}),
    (fields.Integer, {"invalid": "nombre entier attendu", "too_large": "nombre trop grand"}),
    (fields.Float, {"invalid": "nombre attendu", "too_large": "nombre trop grand",
                    "special": "nombre trop grand, NaN ou infini"}),
    (fields.Boolean, {"invalid": "oui ou non attendu (true/false)"}),
    (fields.String, {"invalid": "texte attendu"}),
    (fields.List, {"invalid": "liste attendue"}),
    (fields.Dict, {"invalid": "objet attendu"}),
    (fields.Nested, {"type": "objet attendu"}),
)
_COMMON = {"required": "champ requis", "null": "valeur requise",
           "validator_failed": "valeur invalide"}


class Schema(_Schema):
    """Unknown fields are refused (a typo is a 422 naming the field); messages are French."""

    error_messages = {"unknown": "champ inconnu", "type": "objet attendu"}

    def on_bind_field(self, field_name, field_obj):  # noqa: ARG002 - marshmallow's hook
        messages = dict(_COMMON)
        for cls, texts in reversed(_MESSAGES):
            if isinstance(field_obj, cls):
                messages.update(texts)
        if isinstance(field_obj, fields.List):
            self.on_bind_field(field_name, field_obj.inner)
        field_obj.error_messages = {**field_obj.error_messages, **messages}


def _bounds(min: int | None, max: int | None, unit: str, units: str) -> str:  # noqa: A002
    if min and max:
        return f"de {min} à {max} {units}"
    if max:
        return f"{max} {units} au plus"
    return f"{min} {unit} au moins"


def length(min: int | None = None, max: int | None = None) -> validate.Length:  # noqa: A002
    return validate.Length(min=min, max=max, error=_bounds(min, max, "caractère(s)", "caractères"))


def count(min: int | None = None, max: int | None = None) -> validate.Length:  # noqa: A002
    """Bounds of a list."""
    return validate.Length(min=min, max=max, error=_bounds(min, max, "élément(s)", "éléments"))


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error="valeur inconnue ; attendu : " + ", ".join(choices))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def between(min: float, max: float, *, min_inclusive: bool = True) -> validate.Range:  # noqa: A002
    low = "de" if min_inclusive else "strictement plus de"
    return validate.Range(min=min, max=max, min_inclusive=min_inclusive,
                          error=f"{low} {_number(min)} à {_number(max)}")


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
