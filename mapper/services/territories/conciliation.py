"""Conciliation of overlaps between CPTS: the state of each overlapping pair.

One row of ``overlap_conciliation`` per unordered pair (``cpts_a`` < ``cpts_b``). The writes that
change a territory keep it (``sync_pairs``, called by ``lifecycle`` under the territory lock):
a new overlap is ``a_concilier``; a pair that no longer overlaps becomes ``resolue_territoire``;
a pair whose shared communes are all arbitrated becomes ``resolue_arbitrage`` (also set by
``after_arbitration``). The ARS of either CPTS's région, or an administrator, moves a pair to
``en_conciliation`` with a note (``set_in_conciliation``). Coordinators read the state and the
note of their own CPTS's pairs and change nothing: the ARS leads the conciliation.

Reading derives the state from the live overlaps as well (``pair_state``), so a pair is shown
truthfully even when it was created before this table (or by a path that does not sync).
Every change of state is audited (``conciliation.state``).
"""
from __future__ import annotations

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...models import Cpts, OverlapConciliation
from ...vocab import RESOLVED_STATES
from .. import audit
from .pairs import overlap_pairs

#: A note is a working note, not a report.
MAX_NOTE = 2000


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def pair_state(row: OverlapConciliation | None, arbitrated: bool) -> str:
    """The state of a pair that overlaps now."""
    if arbitrated:
        return "resolue_arbitrage"
    if row is None or row.state in RESOLVED_STATES:
        return "a_concilier"
    return row.state


def rows_of(session: Session, cpts_ids) -> dict[tuple[int, int], OverlapConciliation]:
    ids = list(cpts_ids)
    rows = session.scalars(select(OverlapConciliation).where(or_(
        OverlapConciliation.cpts_a.in_(ids), OverlapConciliation.cpts_b.in_(ids))))
    return {(r.cpts_a, r.cpts_b): r for r in rows}


def _move(session: Session, actor, rows: dict, key: tuple[int, int], state: str,
          note: str | None = None, *, keep_note: bool = True) -> None:
    row = rows.get(key)
    if row is not None and row.state == state and (keep_note or row.note == note):
        return
    before = None if row is None else {"state": row.state, "note": row.note}
    if row is None:
        row = OverlapConciliation(cpts_a=key[0], cpts_b=key[1])
        session.add(row)
        rows[key] = row
    row.state = state
    if not keep_note:
        row.note = note
    row.updated_by = actor if isinstance(actor, str) else actor.label
    row.updated_at = session.execute(text("SELECT now()")).scalar_one()
    session.flush()
    audit.record(session, actor, "conciliation.state", "conciliation", f"{key[0]}-{key[1]}",
                 before=before, after={"state": state, "note": row.note})


def sync_pairs(session: Session, actor, cpts_id: int, overlaps: list[dict]) -> None:
    """After the territory of ``cpts_id`` was stored: its overlaps (``find_overlaps``) are
    recorded, pairs that no longer overlap are resolved by the territory change."""
    rows = rows_of(session, [cpts_id])
    current = {}
    for o in overlaps:
        key = pair_key(cpts_id, o["cpts"]["id"])
        current[key] = o
        _move(session, actor, rows, key, pair_state(rows.get(key), o["arbitrated"]))
    for key, row in list(rows.items()):
        if key not in current and row.state != "resolue_territoire":
            _move(session, actor, rows, key, "resolue_territoire")


_ARBITRATED_PAIRS = text("""
    SELECT a.cpts_id AS a_id, b.cpts_id AS b_id,
           bool_and(EXISTS (
             SELECT 1 FROM arbitration ar
             JOIN arbitration_cpts x ON x.arbitration_id = ar.id AND x.cpts_id = a.cpts_id
             JOIN arbitration_cpts y ON y.arbitration_id = ar.id AND y.cpts_id = b.cpts_id
             WHERE ar.commune_code = a.commune_code)) AS arbitrated
    FROM cpts_commune a
    JOIN cpts_commune b ON b.commune_code = a.commune_code AND b.cpts_id > a.cpts_id
    WHERE a.cpts_id = ANY(:ids) AND b.cpts_id = ANY(:ids)
    GROUP BY a.cpts_id, b.cpts_id
""")


def after_arbitration(session: Session, actor, cpts_ids) -> None:
    """An arbitration was recorded for these CPTS: a pair whose shared communes are now all
    arbitrated is resolved; one that was resolved so and no longer is goes back to
    ``a_concilier``."""
    ids = sorted(set(cpts_ids))
    rows = rows_of(session, ids)
    for r in session.execute(_ARBITRATED_PAIRS, {"ids": ids}):
        key = (r.a_id, r.b_id)
        row = rows.get(key)
        if r.arbitrated:
            _move(session, actor, rows, key, "resolue_arbitrage")
        elif row is None or row.state == "resolue_arbitrage":
            _move(session, actor, rows, key, "a_concilier")


def _entry(pair: dict, row: OverlapConciliation | None, state: str) -> dict:
    return {"a": pair["a"], "b": pair["b"], "state": state,
            "note": row.note if row else None,
            "updated_by": row.updated_by if row else None,
            "updated_at": row.updated_at.isoformat() if row and row.updated_at else None,
            "shared_communes": pair.get("shared_communes", []),
            "population_affected": pair.get("population_affected"),
            "overlap_area_km2": pair.get("overlap_area_km2")}


def _ref(cpts: Cpts) -> dict:
    return {"id": cpts.id, "name": cpts.name, "slug": cpts.slug, "status": cpts.status,
            "region": cpts.region}


def list_conciliations(session: Session, principal, region: str, settings: Settings,
                       include_resolved: bool = True) -> list[dict]:
    """Every overlapping pair with a side in ``region`` and its state (the ARS of the région,
    administrators); with ``include_resolved``, the pairs resolved by a territory change."""
    if not region:
        raise ValidationFailed("Précisez la région.", errors={"region": ["région requise"]})
    if not principal.can_act_in_region(region):
        raise Forbidden("Cette région n'est pas dans le périmètre de votre compte.")
    pairs = overlap_pairs(session, settings, region)
    ids = {p[s]["id"] for p in pairs for s in ("a", "b")}
    rows = rows_of(session, ids) if ids else {}
    out = []
    for p in pairs:
        key = (p["a"]["id"], p["b"]["id"])
        out.append(_entry(p, rows.get(key), pair_state(rows.get(key), p["arbitrated"])))
    if include_resolved:
        live = {(p["a"]["id"], p["b"]["id"]) for p in pairs}
        for row in session.scalars(select(OverlapConciliation).where(
                OverlapConciliation.state == "resolue_territoire")):
            if (row.cpts_a, row.cpts_b) in live:
                continue
            a, b = session.get(Cpts, row.cpts_a), session.get(Cpts, row.cpts_b)
            if region in (a.region, b.region) and "rejete" not in (a.status, b.status):
                out.append(_entry({"a": _ref(a), "b": _ref(b)}, row, row.state))
    return out


def states_for(session: Session, cpts_id: int, overlaps: list[dict],
               with_note: bool = True) -> None:
    """Adds ``conciliation`` ({state, note, updated_at}) to each overlap of ``cpts_id``; the
    note only ``with_note`` (it is the ARS's working note: not for the public)."""
    rows = rows_of(session, [cpts_id]) if overlaps else {}
    for o in overlaps:
        row = rows.get(pair_key(cpts_id, o["cpts"]["id"]))
        o["conciliation"] = {"state": pair_state(row, o["arbitrated"]),
                             "note": row.note if row and with_note else None,
                             "updated_at": row.updated_at if row else None}


def set_in_conciliation(session: Session, principal, a_id: int, b_id: int, note: str,
                        settings: Settings) -> dict:
    """The ARS (of either CPTS's région) or an administrator puts an overlap in conciliation,
    with a note (required; replaces the previous one). 409 when the pair does not overlap or
    is resolved by an arbitration."""
    if a_id == b_id:
        raise ValidationFailed("Une conciliation concerne deux CPTS distinctes.",
                               errors={"cpts": ["deux CPTS distinctes"]})
    a, b = session.get(Cpts, a_id), session.get(Cpts, b_id)
    if a is None or b is None:
        raise NotFound("CPTS inconnue.")
    if not (principal.can_act_in_region(a.region) or principal.can_act_in_region(b.region)):
        raise Forbidden("Seuls l'ARS de la région et les administrateurs mènent la "
                        "conciliation.")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("La note est requise.", errors={"note": ["note requise"]})
    if len(note) > MAX_NOTE:
        raise ValidationFailed("Note trop longue.", errors={"note": [
            f"{MAX_NOTE} caractères au plus"]})
    key = pair_key(a.id, b.id)
    pair = next((p for p in overlap_pairs(session, settings, a.region or b.region)
                 if (p["a"]["id"], p["b"]["id"]) == key), None)
    if pair is None:
        raise Conflict("Ces deux CPTS ne se chevauchent pas.",
                       errors={"state": ["aucun chevauchement entre ces CPTS"]})
    if pair["arbitrated"]:
        raise Conflict("Ce chevauchement est déjà résolu par un arbitrage.",
                       errors={"state": ["déjà résolu par arbitrage"]})
    rows = rows_of(session, [key[0]])
    _move(session, principal, rows, key, "en_conciliation", note, keep_note=False)
    return _entry(pair, rows[key], "en_conciliation")
