"""The on-call screens: the pharmacist's (/cpts/<slug>/astreintes: who is on call now and later
today, call, reserve a place) and the holder's (/moi/astreintes: −1 / +1 / complet).

Phone first and usable without JavaScript: every action is a plain form POST followed by a
redirect back to the card (#astreinte-<id>); a small script (static/js/oncall.js) refreshes
the list every 60 s in place.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_skeleton
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from .. import labels
from ..db import get_session
from ..errors import Conflict, Forbidden, ValidationFailed
from ..http.i18n import page_locale, translate
from ..http.principal import current_principal
from ..schemas.base import load
from ..schemas.oncall import FreePlacesSchema, OncallQuerySchema, ReservationSchema
from ..services.directory import oncall, oncall_places
from ..services.directory.calendar import PARIS
from .guards import page_roles

bp = Blueprint("oncall_pages", __name__)
REFRESH_SECONDS = 60
#: The holder's buttons (the form's ``action`` value → the service's action).
HOLDER_ACTIONS = {"moins": "decrement", "plus": "increment", "complet": "full",
                  "fixer": "set"}


def day_label(on_date: str, today: date) -> str:
    day = date.fromisoformat(on_date)
    if day == today:
        return gettext("aujourd'hui")
    if day == today + timedelta(days=1):
        return gettext("demain")
    return gettext("%(weekday)s %(date)s", weekday=translate(labels.weekday(day.isoweekday())),
                   date=format_skeleton("MMMMd", day, locale=page_locale()))


def when_label(at: str, today: date) -> str:
    """« aujourd'hui à 14:05 », or the date and time for another day."""
    local = datetime.fromisoformat(at).astimezone(PARIS)
    if local.date() == today:
        return gettext("aujourd'hui à %(time)s", time=local.strftime("%H:%M"))
    return gettext("%(date)s à %(time)s", date=day_label(local.date().isoformat(), today),
                   time=local.strftime("%H:%M"))


def _near() -> tuple[tuple[float, float] | None, dict]:
    """?lat=&lon= from the query string (other parameters, such as lang, are the page's)."""
    given = {k: request.args[k] for k in ("lat", "lon") if request.args.get(k, "").strip()}
    try:
        args = load(OncallQuerySchema(), given)
    except ValidationFailed as exc:
        return None, {"_near": [gettext("Position invalide : distances depuis votre site.")],
                      **exc.errors}
    return (None if args["lat"] is None else (args["lat"], args["lon"])), {}


def _render_today(slug: str, errors: dict | None = None, values: dict | None = None,
                  status: int = 200):
    session = get_session()
    near, near_errors = _near()
    board = oncall.oncall_today(session, current_principal(), slug, near=near)
    now = datetime.fromisoformat(board["now"]).astimezone(PARIS)
    return render_template(
        "web/oncall.html", board=board, errors={**near_errors, **(errors or {})},
        values=values or {}, refreshed=f"{now:%H:%M}", today=now.date(), day_label=day_label,
        when_label=when_label,
        refresh_seconds=REFRESH_SECONDS, actor_name=oncall.actor_name,
        kept_args=_kept_args(), reserved=_reserved()), status


@bp.route("/astreintes")
@page_roles()
def choose():
    """The signed-in person's CPTS rota, or the list when they may see several."""
    found = oncall.rota_cpts_for(get_session(), current_principal())
    if len(found) == 1:
        return redirect(url_for("oncall_pages.today", slug=found[0]["slug"]))
    return render_template("web/oncall_choose.html", found=found)


@bp.route("/cpts/<slug>/astreintes")
@page_roles()
def today(slug: str):
    return _render_today(slug)


@bp.route("/cpts/<slug>/astreintes/<int:shift_id>/reserver", methods=["POST"])
@page_roles()
def reserve(slug: str, shift_id: int):
    session = get_session()
    note = request.form.get("note", "").strip() or None
    try:
        body = load(ReservationSchema(), {"note": note})
        out = oncall_places.reserve_place(session, current_principal(), shift_id, body["note"])
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        reasons = (exc.errors or {}).get("note") or [exc.detail]
        return _render_today(slug, errors={shift_id: reasons}, values={shift_id: note or ""},
                             status=exc.status)
    session.commit()
    # said in the card itself (the redirect scrolls to it; a flash at the top would be unseen)
    return redirect(url_for("oncall_pages.today", slug=slug, reservee=shift_id,
                            restantes=out["free_places"], **_kept_args())
                    + f"#astreinte-{shift_id}", 303)


def _reserved() -> dict | None:
    """The reservation just made (``?reservee=<shift>&restantes=<n>``), said in its card."""
    try:
        return {"shift": int(request.args["reservee"]),
                "left": max(0, int(request.args.get("restantes", "0")))}
    except (KeyError, ValueError):
        return None


def _kept_args() -> dict:
    return {k: request.args[k] for k in ("lat", "lon") if request.args.get(k)}


@bp.route("/moi/astreintes")
@page_roles("professional")
def mine():
    principal = current_principal()
    if principal.professional_id is None:
        raise Forbidden("Aucune fiche de professionnel n'est rattachée à votre compte.")
    shifts = oncall.my_next_shifts(get_session(), principal.professional_id)
    today_ = datetime.now(PARIS).date()
    return render_template("web/my_shifts.html", shifts=shifts, today=today_,
                           day_label=day_label, when_label=when_label,
                           actor_name=oncall.actor_name)


@bp.route("/moi/astreintes/<int:shift_id>", methods=["POST"])
@page_roles()
def change(shift_id: int):
    session = get_session()
    action = HOLDER_ACTIONS.get(request.form.get("action", ""), "")
    value = request.form.get("places", "").strip() if action == "set" else None
    try:
        body = load(FreePlacesSchema(), {"action": action, "value": value or None}
                    if action == "set" else {"action": action})
        out = oncall_places.change_free_places(session, current_principal(), shift_id,
                                               body["action"], body["value"])
    except ValidationFailed:
        session.rollback()
        flash(gettext("Nombre de places invalide : un nombre entier de 0 à 500."))
    except Conflict as exc:
        session.rollback()
        flash(exc.detail)
    else:
        session.commit()
        flash(gettext("Places libres : %(n)s.", n=out["free_places"]) if out["free_places"]
              else gettext("Astreinte marquée complète."))
    return redirect(url_for("oncall_pages.mine") + f"#astreinte-{shift_id}", 303)
