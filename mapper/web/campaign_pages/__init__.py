"""The campaigns of a CPTS on the web: the coordinator's pages (list, create, one campaign and
its permanences, phone first) and the public files (iCalendar feeds, CSV export)."""
from . import feeds, views  # noqa: F401 - register the views on the blueprint
from .blueprint import bp

__all__ = ["bp"]
