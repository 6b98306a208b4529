"""Pages of the territories: the territory checker (``check``), the ARS review (``review``) and
the page of a CPTS with its management forms (``cpts``), on one blueprint.

The checker is public and writes nothing: a list of communes is a GET form (the URL is the
report, shareable), an uploaded GeoJSON is a POST. The ARS review and a CPTS's management
forms are for the roles and scopes the territory services enforce again.
"""
from . import ars_project, check, conciliation, cpts, deposit, members, review  # noqa: F401  (each registers its views on the blueprint)
from . import embedding, member_entry  # noqa: F401  (the CPTS's sites; a member's entry)
from . import diagnostic  # noqa: F401  (the diagnostic section's printable report)
from .blueprint import bp

__all__ = ["bp"]
