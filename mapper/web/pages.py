"""Public pages. Views parse, call one service, render."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("web", __name__)


@bp.route("/")
def home():
    return render_template("web/home.html")
