"""A CPTS's name and slug: trimmed, unique regardless of case and accents, URL-safe."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...errors import Conflict, ValidationFailed
from ...models import Cpts


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:180] or "cpts"


def clean_name(name) -> str:
    name = re.sub(r"\s+", " ", str(name or "")).strip()
    if not name:
        raise ValidationFailed("Le nom est requis.", errors={"name": ["nom requis"]})
    if len(name) > 200:
        raise ValidationFailed("Nom trop long.", errors={"name": ["200 caractères au plus"]})
    return name


def check_name_free(session: Session, name: str, self_id: int | None = None) -> None:
    other = session.execute(text(
        "SELECT id FROM cpts WHERE unaccent_lower(name) = unaccent_lower(:n) "
        "AND id IS DISTINCT FROM CAST(:self AS integer)"), {"n": name, "self": self_id}).scalar()
    if other is not None:
        raise Conflict(f"Une CPTS porte déjà ce nom : {name}.",
                       errors={"name": ["déjà utilisé (sans tenir compte de la casse et des "
                                        "accents)"]}, extra={"existing_cpts": other})


def unique_slug(session: Session, name: str, self_id: int | None = None) -> str:
    base = slugify(name)
    taken = set(session.scalars(select(Cpts.slug).where(
        Cpts.slug.like(base + "%"), Cpts.id.is_distinct_from(self_id))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
