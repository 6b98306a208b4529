"""Public pages. Views parse, call one service, render."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..db import get_session
from ..services import portal

bp = Blueprint("web", __name__)


@bp.route("/")
def home():
    session = get_session()
    return render_template("web/home.html", cpts_list=portal.cpts_list(session),
                           professions=portal.professions(session))
