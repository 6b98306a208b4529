"""The blueprint the territory pages register their views on."""
from flask import Blueprint

bp = Blueprint("territory_pages", __name__)
