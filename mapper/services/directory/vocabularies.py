"""The vocabularies of the directory: professions (RPPS nomenclature and CPTS roles) and the
competencies a CPTS curates."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import Conflict
from ...vocab import FRENCH_COLLATION, NOT_FOR_PATIENTS
from .. import audit


def professions(session: Session, for_patients: bool = False) -> list[dict]:
    """RPPS professions, then CPTS roles, each by label in French order. ``for_patients``:
    only professions a patient consults (never ``NOT_FOR_PATIENTS``: the public choices)."""
    hidden = list(NOT_FOR_PATIENTS) if for_patients else []
    rows = session.execute(text(
        "SELECT code, label, kind FROM profession WHERE code <> ALL(:hidden) "
        f"ORDER BY kind DESC, label COLLATE {FRENCH_COLLATION}, code"),
        {"hidden": hidden}).mappings().all()
    return [dict(r) for r in rows]


def competencies(session: Session) -> list[dict]:
    rows = session.execute(text(
        "SELECT slug, label, description FROM competency "
        f"ORDER BY label COLLATE {FRENCH_COLLATION}, slug")).mappings().all()
    return [dict(r) for r in rows]


def add_competency(session: Session, data: dict, actor) -> int:
    """A new competency (slug unique); audited."""
    if session.execute(text("SELECT 1 FROM competency WHERE slug = :s"),
                       {"s": data["slug"]}).scalar():
        raise Conflict(f"La compétence {data['slug']} existe déjà.",
                       errors={"slug": ["déjà utilisé"]})
    new_id = session.execute(text(
        "INSERT INTO competency (slug, label, description) VALUES (:slug, :label, :description) "
        "RETURNING id"), {"description": None, **data}).scalar_one()
    audit.record(session, actor, "competency.create", "competency", new_id, after=data)
    return new_id


def competency_labels(session: Session) -> dict[str, str]:
    """slug → label, to show competencies in words."""
    return {c["slug"]: c["label"] for c in competencies(session)}
