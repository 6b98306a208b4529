"""The home page. Views parse, call one service, render."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..db import get_session
from ..services.pages.home import home as home_page

bp = Blueprint("web", __name__)


@bp.route("/")
def home():
    return render_template("web/home.html", **home_page(get_session()))
