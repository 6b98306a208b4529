"""The coordinator's planning of the on-call rota: a week's grid with its gaps, and the forms
that assign a professional to a gap, swap two shifts, delete one, generate a period and set the
on-call hours; the week as CSV. Members of the CPTS, its ARS and admins see it read-only.

Each form calls the use case the API calls; a refusal comes back beside its form (422) with
the service's reason, nothing written.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, gettext

from ..db import get_session
from ..errors import MapperError, ValidationFailed
from ..http.principal import current_principal
from ..schemas.base import load
from ..schemas.rota import GenerateSchema, RotaHoursSchema, ShiftInSchema, SwapSchema
from ..services.directory import rota, rota_csv, rota_generate, rota_hours
from ..services.directory.calendar import PARIS
from ..services.pages.rota_planning import planning, week_of
from ..services.territories import get_cpts
from .guards import page_roles

bp = Blueprint("rota_pages", __name__)


def _int(value):
    """A form's number as an int (Id fields are strict); anything else as given, for the
    schema to name."""
    text = (value or "").strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 10 else text


def _week() -> date:
    raw = request.values.get("semaine", "")
    try:
        return date.fromisoformat(raw) if raw else datetime.now(PARIS).date()
    except ValueError:
        return datetime.now(PARIS).date()


def _render(slug: str, errors: dict | None = None, status: int = 200):
    whole_day = request.values.get("heures") == "journee"
    page = planning(get_session(), current_principal(), slug, _week(), whole_day=whole_day)
    for day in page["days"]:
        day["label"] = format_date(day["date"], "EEEE d MMMM")
        day["short"] = format_date(day["date"], "EEE d")
    for shift in page["shifts"]:
        shift["label"] = format_date(date.fromisoformat(shift["date"]), "EEE d MMM")
    page["title_week"] = gettext("Semaine du %(day)s", day=format_date(page["monday"],
                                                                       "d MMMM y"))
    return render_template("web/rota_planning.html", errors=errors or {},
                           form=request.form, **page), status


def _back(slug: str):
    return redirect(url_for("rota_pages.planning_page", slug=slug,
                            semaine=request.form.get("semaine") or None,
                            heures=request.form.get("heures") or None))


def _refused(slug: str, form: str, exc: MapperError):
    get_session().rollback()
    reasons = [f"{field} : {', '.join(map(str, why))}" if field not in ("_", "_schema")
               else ", ".join(map(str, why)) for field, why in (exc.errors or {}).items()]
    return _render(slug, {form: reasons or [exc.detail]}, exc.status)


@bp.route("/cpts/<slug>/astreintes/planning")
@page_roles()
def planning_page(slug: str):
    return _render(slug)


@bp.route("/cpts/<slug>/astreintes/planning.csv")
@page_roles()
def planning_csv(slug: str):
    session = get_session()
    cpts = get_cpts(session, slug)
    monday = week_of(_week())
    text = rota_csv.export_csv(session, current_principal(), cpts, monday,
                               monday + timedelta(days=6))
    name = f"astreintes-{cpts.slug}-{monday.isoformat()}.csv"
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _act(slug: str, form: str, action, message: str):
    session = get_session()
    try:
        action(session, get_cpts(session, slug))
    except MapperError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _refused(slug, form, exc)
    session.commit()
    flash(message() if callable(message) else message)
    return _back(slug)


@bp.route("/cpts/<slug>/astreintes/planning/assigner", methods=["POST"])
@page_roles()
def assign(slug: str):
    f = request.form

    def action(session, cpts):
        body = load(ShiftInSchema(), {
            "professional": _int(f.get("professionnel")), "date": f.get("date"),
            "start": f.get("debut"), "end": f.get("fin"), "free_places": f.get("places") or 0,
            "overnight": f.get("nuit") == "oui"})
        rota.create_shift(session, current_principal(), cpts, body)

    return _act(slug, "assign", action, gettext("Astreinte ajoutée au planning."))


@bp.route("/cpts/<slug>/astreintes/planning/echanger", methods=["POST"])
@page_roles()
def swap(slug: str):
    def action(session, cpts):
        body = load(SwapSchema(), {"first": _int(request.form.get("premiere")),
                                   "second": _int(request.form.get("seconde"))})
        rota.swap_shifts(session, current_principal(), body["first"], body["second"])

    return _act(slug, "swap", action, gettext("Les deux astreintes ont été échangées."))


@bp.route("/cpts/<slug>/astreintes/planning/supprimer/<int:shift_id>", methods=["POST"])
@page_roles()
def delete(slug: str, shift_id: int):
    def action(session, cpts):
        rota.delete_shift(session, current_principal(), shift_id)

    return _act(slug, "delete", action, gettext("Astreinte supprimée."))


@bp.route("/cpts/<slug>/astreintes/planning/generer", methods=["POST"])
@page_roles()
def generate(slug: str):
    f = request.form
    done = {}

    def action(session, cpts):
        try:
            per_day = max(1, min(int(f.get("par_jour") or 1), 10))
        except ValueError:
            raise ValidationFailed("par_jour", errors={"par_jour": ["nombre attendu"]}) from None
        line = {"weekdays": f.getlist("jours"), "start": f.get("debut"), "end": f.get("fin"),
                "free_places": f.get("places") or 0}
        spec = load(GenerateSchema(), {
            "from": f.get("du"), "to": f.get("au"), "template": [line] * per_day,
            "professionals": [_int(v) for v in f.getlist("professionnels")],
            "skip_holidays": f.get("feries") != "garder", "on_conflict": "refuse"})
        done.update(rota_generate.generate_rota(session, current_principal(), cpts, spec))

    return _act(slug, "generate", action, lambda: gettext(
        "%(created)s astreinte(s) créée(s), %(existing)s déjà au planning, %(unfilled)s sans "
        "personne disponible.", created=done["created"], existing=done["existing"],
        unfilled=len(done["unfilled"])))


@bp.route("/cpts/<slug>/astreintes/planning/heures", methods=["POST"])
@page_roles()
def hours(slug: str):
    def action(session, cpts):
        body = load(RotaHoursSchema(), {"weekdays": request.form.getlist("jours"),
                                        "start": request.form.get("debut"),
                                        "end": request.form.get("fin")})
        rota_hours.set_rota_hours(session, current_principal(), cpts, body)

    return _act(slug, "hours", action, gettext("Heures d'astreinte enregistrées."))
