"""GET /api/v1/health: database and PostGIS versions, or 503 when the database is unreachable."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..db import get_session
from ..services.health import database_health
from .schemas import HealthSchema

blp = Blueprint("health", __name__, url_prefix="/api/v1/health",
                description="État du service et de sa base de données")


@blp.route("")
@blp.response(200, HealthSchema)
def health():
    """État du service : versions de PostgreSQL et PostGIS."""
    return database_health(get_session())
