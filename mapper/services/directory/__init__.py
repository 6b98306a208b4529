"""The directory of professionals: entries and their parts, who may see and change them,
search, opening hours, a CPTS's members, the vocabularies.

Where things are: ``access`` (the one access rule), ``lookup`` (references to CPTS,
competencies, professions, entries), ``views`` (reading an entry), ``entries`` (writing one:
create, update, upsert, delete, confirm) and ``parts`` (its sites, zones, slots, competencies,
memberships), ``filters``/``search``/``results`` (the search), ``slots`` (opening hours),
``members`` (a CPTS's members), ``vocabularies``.
"""
from .access import PROFESSIONAL_ONLY_FIELDS, can_edit, public_view
from .colleague_access import (may_see_professional_fields, referral_scope, visible_among,
                               with_professional_fields)
from .entries import (comparable, confirm_entry, create_professional, delete_professional,
                      update_professional, upsert_professional)
from .filters import SearchQuery, professional_filters
from .lookup import find_existing, resolve_competencies, resolve_cpts
from .members import add_member, remove_member, restore_member, stale_members
from .results import results_geojson
from .search import cpts_professionals, search_professionals
from .slots import PARIS, next_slots, paris_local
from .views import (STALE_AFTER, is_stale, professional_for, professional_private,
                    professional_public, professional_zone_geojson,
                    professional_zone_geojson_text)

__all__ = [
    "PARIS", "PROFESSIONAL_ONLY_FIELDS", "STALE_AFTER", "may_see_professional_fields",
    "referral_scope", "visible_among", "with_professional_fields", "SearchQuery", "add_member", "can_edit", "comparable",
    "confirm_entry", "cpts_professionals", "create_professional", "delete_professional",
    "find_existing", "is_stale", "next_slots", "paris_local", "professional_filters",
    "professional_for", "professional_private", "professional_public",
    "professional_zone_geojson", "professional_zone_geojson_text", "public_view", "remove_member", "restore_member", "resolve_competencies",
    "resolve_cpts", "results_geojson", "search_professionals", "stale_members",
    "update_professional", "upsert_professional",
]
