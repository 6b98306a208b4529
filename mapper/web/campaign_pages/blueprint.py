"""The blueprint the campaign pages and files register their views on."""
from flask import Blueprint

bp = Blueprint("campaign_pages", __name__)
