"""Finding what a request or a row refers to: CPTS by id, slug or name; competencies by slug;
professions by code; an entry by RPPS number or the CPTS's own key. Unknowns are 422s that name
the field and every unknown value."""
from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...messages import N_
from ...models import Professional


def resolve_cpts(session: Session, refs, field: str = "cpts") -> list[int]:
    """CPTS ids from ids, slugs or names; 422 naming the unknown ones."""
    ids, unknown = [], []
    for ref in refs or ():
        ref_s = str(ref).strip()
        if ref_s.isascii() and ref_s.isdecimal() and len(ref_s) < 10:
            found = session.execute(text("SELECT id FROM cpts WHERE id = :id"),
                                    {"id": int(ref_s)}).scalar()
        else:  # a slug, else a name (case and accents ignored)
            found = session.execute(text(
                "SELECT id FROM cpts WHERE slug = :s OR unaccent_lower(name) = unaccent_lower(:s) "
                "ORDER BY slug = :s DESC LIMIT 1"), {"s": ref_s}).scalar()
        if found is None:
            unknown.append(ref_s)
        elif found not in ids:
            ids.append(found)
    if unknown:
        raise ValidationFailed(f"CPTS inconnue(s) : {', '.join(unknown)}.",
                               errors={field: [f"CPTS inconnue : {u}" for u in unknown]})
    return ids


def resolve_competencies(session: Session, slugs, field: str = "competencies") -> list[int]:
    slugs = list(dict.fromkeys(s.strip() for s in slugs or () if s and s.strip()))
    if not slugs:
        return []
    found = dict(session.execute(text("SELECT slug, id FROM competency WHERE slug = ANY(:s)"),
                                 {"s": slugs}).all())
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationFailed(f"Compétence(s) inconnue(s) : {', '.join(unknown)}.",
                               errors={field: [N_("compétence inconnue : %(code)s", code=u)
                                               for u in unknown]})
    return [found[s] for s in slugs]


def check_profession(session: Session, code: str, field: str = "profession") -> None:
    if not session.execute(text("SELECT 1 FROM profession WHERE code = :c"), {"c": code}).scalar():
        raise ValidationFailed(f"Profession inconnue : {code}.",
                               errors={field: [N_("code profession inconnu : %(code)s", code=code)]})


def check_professions(session: Session, codes, field: str = "profession") -> None:
    """422 naming every unknown profession code among ``codes``."""
    codes = list(dict.fromkeys(codes or ()))
    if not codes:
        return
    known = set(session.scalars(text("SELECT code FROM profession WHERE code = ANY(:c)"),
                                {"c": codes}))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(f"Profession(s) inconnue(s) : {', '.join(unknown)}.",
                               errors={field: [N_("code profession inconnu : %(code)s", code=u)
                                               for u in unknown]})


def find_existing(session: Session, *, rpps: str | None = None,
                  external_ref: str | None = None) -> int | None:
    """The entry an import row refers to: by RPPS number, else by the CPTS's own key."""
    if rpps:
        found = session.execute(text("SELECT id FROM professional WHERE rpps = :v"),
                                {"v": rpps}).scalar()
        if found is not None:
            return found
    if external_ref:
        return session.execute(text("SELECT id FROM professional WHERE external_ref = :v"),
                               {"v": external_ref}).scalar()
    return None


def find_professional(session: Session, reference: str, field: str = "professional") -> int:
    """A professional by RPPS number (11 digits) or by entry number."""
    ref = (reference or "").strip()
    if not ref:
        raise ValidationFailed("Indiquez un numéro RPPS.", errors={field: [
            "Indiquez le numéro RPPS (11 chiffres) ou le numéro de fiche."]})
    if re.fullmatch(r"\d{11}", ref):
        found = session.scalar(select(Professional.id).where(Professional.rpps == ref))
    elif re.fullmatch(r"\d{1,9}", ref):
        found = session.scalar(select(Professional.id).where(Professional.id == int(ref)))
    else:
        raise ValidationFailed("Référence invalide.", errors={field: [
            "Numéro RPPS (11 chiffres) ou numéro de fiche attendu."]})
    if found is None:
        raise ValidationFailed("Professionnel introuvable.", errors={field: [
            f"Aucune fiche ne correspond à « {ref} »."]})
    return found


def find_professionals(session: Session, query: str, limit: int = 50) -> list[dict]:
    """Entries whose name or RPPS number matches ``query`` (accents and case ignored; every
    word must appear in the first or last name), in French order of names."""
    words = [w for w in (query or "").split() if w]
    if not words:
        raise ValidationFailed("Indiquez un nom ou un numéro RPPS.",
                               errors={"query": ["nom ou numéro RPPS attendu"]})
    conds, params = [], {"limit": limit}
    for i, word in enumerate(words):
        params[f"w{i}"] = "%" + word.replace("\\", "\\\\").replace("%", "\\%")\
            .replace("_", "\\_") + "%"
        conds.append(f"(unaccent_lower(p.first_name || ' ' || p.last_name) "
                     f"LIKE unaccent_lower(:w{i}) OR p.rpps LIKE :w{i})")
    rows = session.execute(text(f"""
        SELECT p.id, p.rpps, p.first_name, p.last_name, p.profession_code,
               coalesce(pr.label, p.profession_code) AS profession_label, p.source,
               (SELECT string_agg(c.slug, ' ' ORDER BY c.slug) FROM cpts_member m
                JOIN cpts c ON c.id = m.cpts_id WHERE m.professional_id = p.id) AS cpts
        FROM professional p LEFT JOIN profession pr ON pr.code = p.profession_code
        WHERE {' AND '.join(conds)}
        ORDER BY p.last_name COLLATE mapper_fr, p.first_name COLLATE mapper_fr, p.id
        LIMIT :limit"""), params)
    return [dict(r._mapping) for r in rows]
