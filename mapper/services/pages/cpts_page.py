"""The page of a CPTS: its territory, its members by profession, and for its managers the
entries to check again and what the management forms need."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...config import Settings
from ...vocab import VALIDATED_STATUSES
from ..communes import commune_names
from ..directory.members import stale_members
from ..directory.search import cpts_professionals
from ..directory.vocabularies import professions
from ..territories.conciliation import states_for
from ..territories.cpts import cpts_feature, frame_ancestors, get_cpts


def members_by_profession(members: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for m in sorted(members, key=lambda m: (m["last_name"].lower(), m["first_name"].lower())):
        groups.setdefault(m["profession_label"], []).append(m)
    return sorted(groups.items())


def cpts_page(session: Session, principal, id_or_slug, settings: Settings) -> dict:
    """Everything the page of a CPTS shows; the management parts only for its managers."""
    cpts = get_cpts(session, id_or_slug)
    feature = cpts_feature(session, cpts, settings)
    members = cpts_professionals(session, cpts.id)
    manager = principal.can_manage_cpts(cpts.id, cpts.region)
    # the state is public; the ARS's note only for those who manage the CPTS
    states_for(session, cpts.id, feature["properties"]["overlaps"], with_note=manager)
    return {
        "cpts": feature["properties"], "geometry": feature["geometry"], "members": members,
        "groups": members_by_profession(members),
        "communes": commune_names(session, feature["properties"]["communes"]),
        "manager": manager,
        "frame_origins": frame_ancestors(cpts),  # where the widget shows today
        "stale": stale_members(session, cpts.id) if manager else [],
        "territory_locked": manager and principal.role == "coordinator"
        and cpts.status in VALIDATED_STATUSES,
        "can_create": manager and principal.role in ("coordinator", "admin"),
        "professions": professions(session) if manager else [],
    }
