"""What a CPTS's widget and its configurator offer: the professions present among its members
(the widget's choices when the CPTS chose none; the configurator's checkboxes)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...vocab import profession_order


def member_professions(session: Session, cpts_id: int) -> list[tuple[str, str]]:
    """(code, label) of the professions of the CPTS's members, in their usual order."""
    rows = session.execute(text(
        "SELECT DISTINCT p.profession_code, coalesce(pr.label, p.profession_code) "
        "FROM cpts_member cm JOIN professional p ON p.id = cm.professional_id "
        "LEFT JOIN profession pr ON pr.code = p.profession_code "
        "WHERE cm.cpts_id = :id"), {"id": cpts_id}).all()
    return sorted(((code, label) for code, label in rows),
                  key=lambda r: (profession_order(r[0]), r[1]))


def offered(present: list[tuple[str, str]], labels: dict[str, str],
            choices: tuple[str, ...]) -> list[tuple[str, str]]:
    """The widget's profession choices: the chosen codes (in that order, known ones only), or
    every profession present among the members."""
    if not choices:
        return present
    return [(code, labels[code]) for code in choices if code in labels]
