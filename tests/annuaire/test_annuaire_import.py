"""``mapper import annuaire-sante`` end to end against the stand-in API (real HTTP, real
client, real PostGIS): paging, merge, resume after an interruption, 429, 401, re-runs."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper.imports.annuaire_sante_client import (AnnuaireAuthError, AnnuaireUnavailable,
                                                  retry_after)
from mapper.services.dataversion import data_version

from .standin import practitioner_role


def people(session):
    return session.execute(text(
        "SELECT rpps, civility, first_name, last_name, profession_code, specialty_code, "
        "specialty, source FROM professional ORDER BY rpps")).all()


def sites(session):
    return session.execute(text(
        "SELECT p.rpps, s.name, s.address, s.postcode, s.commune_code, s.phone, s.source "
        "FROM practice_site s JOIN professional p ON p.id = s.professional_id "
        "ORDER BY p.rpps, s.address")).all()


def runs(session):
    return session.execute(text("SELECT run_key, phase, pages FROM annuaire_run")).all()


def test_import_pages_through_the_api_and_merges(run, api, session):
    report = run()
    assert report.ok, report.lines()
    c = report.counts
    assert c["pages"] == 5 and c["organizations"] == 3 and c["roles"] == 5  # active ones
    assert c["professionals_inserted"] == 4 and c["sites_inserted"] == 5 and c["changes"] == 9
    assert c["skipped_by_filter"] == 0 and c["rejected_rows"] == 0
    assert [(p.rpps, p.last_name, p.profession_code, p.specialty_code, p.source)
            for p in people(session)] == [
        ("10001234567", "DUPONT", "10", "SM54", "rpps"),
        ("10002222222", "MARTIN", "60", None, "rpps"),
        ("10003333333", "DURAND", "21", None, "rpps"),
        ("10004444444", "LEROY", "70", None, "rpps")]
    assert people(session)[0][1:4] == ("DR", "Hélène", "DUPONT")
    assert [(s.rpps, s.address, s.commune_code) for s in sites(session)][:2] == [
        ("10001234567", "8 rue RAYMOND LOSSERAND", "75114"),
        ("10001234567", "96 rue DIDOT", "75114")]
    assert {s.name for s in sites(session)} >= {"CABINET DIDOT", "PHARMACIE DE LA PAIX"}
    sent = api.requests
    headers = [{k.lower(): v for k, v in r.headers.items()} for r in sent]
    assert all(h.get("esante-api-key") == "good-key" for h in headers)
    assert all("fhir+json" in h.get("accept", "") for h in headers)
    searched = {r.path for r in sent}
    assert {"/fhir/v2/Organization", "/fhir/v2/PractitionerRole", "/fhir/v2"} <= searched
    role_search = api.requests_to("/fhir/v2/PractitionerRole")[0].query
    assert role_search["_include"] == ["PractitionerRole:practitioner",
                                       "PractitionerRole:organization"]
    assert runs(session) == []  # merged: the run and its staging are gone


def test_practitioners_no_include_brought_are_fetched_by_id(run, api, session):
    api.include_practitioners = False
    report = run()
    assert report.counts["professionals_inserted"] == 4, report.lines()
    asked = api.requests_to("/fhir/v2/Practitioner")
    assert asked and set(asked[0].query["_id"][0].split(",")) == {"p-1", "p-2", "p-3", "p-4"}


def test_profession_filter_and_roles_carrying_the_profession(run, api, session):
    api.roles.append(practitioner_role("r-8", "p-6", "org-3"))
    from .standin import practitioner
    nurse = practitioner("p-6", "10006666666", "ROLE", "Code", profession=None)
    api.practitioners.append(nurse)
    api.roles[-1]["code"].append({"coding": [{
        "system": "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/"
                  "TRE-G15-ProfessionSante", "code": "60"}]})
    report = run(profession="60")
    assert report.ok, report.lines()
    assert [p.last_name for p in people(session)] == ["MARTIN", "ROLE"]


@pytest.mark.parametrize("how", ["drop", "500", "expired"])
def test_interrupted_run_resumes_where_it_stopped(run, api, session, how):
    # Requests: 2 pages of organisations, then the roles' first page, then the 4th: its next.
    api.drop_after(4, None if how == "drop" else 500)
    with pytest.raises(AnnuaireUnavailable):
        run()
    assert people(session) == []  # nothing half-written in the directory
    [(key, phase, pages)] = runs(session)
    assert key == "75:*" and phase == "roles" and pages == 3
    if how == "expired":
        api._searches.clear()  # the server forgot its paging ids: the batch starts again
    before = len(api.requests)
    report = run()
    assert report.ok and report.counts["professionals_inserted"] == 4, report.lines()
    assert any("resumed at page 4" in n for n in report.notes)
    first_again = api.requests[before]
    assert first_again.path == "/fhir/v2" and first_again.query["_getpagesoffset"] == ["2"]
    if how == "expired":
        assert api.requests[before + 1].path == "/fhir/v2/PractitionerRole"
    else:
        assert not api.requests_to("/fhir/v2/Organization")[1:]  # never asked again
    assert len(people(session)) == 4 and runs(session) == []


def test_429_is_honoured_with_retry_after(run, api, session):
    api.fail_with(429, times=1, headers={"Retry-After": "1"})
    report = run()
    assert report.ok and report.counts["professionals_inserted"] == 4
    first, second = api.requests[0], api.requests[1]
    assert second.t - first.t >= 1.0  # the client waited as told
    assert report.client.waited == 1.0
    assert any("429" in n for n in report.notes)


def test_retry_after_as_an_http_date():
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412478.0) == 2.0
    assert retry_after(None) == 1.0 and retry_after("100000") == 300.0


def test_bad_key_is_a_clear_error_and_writes_nothing(run, api, session):
    version = data_version(session)
    with pytest.raises(AnnuaireAuthError, match="MAPPER_ANNUAIRE_SANTE_API_KEY"):
        run(key="bad-key", retries=3)
    assert len(api.requests) == 1  # no retry of a refused key
    assert people(session) == [] and runs(session) == []
    assert data_version(session) == version


def test_rerun_that_changes_nothing_writes_nothing(run, api, session):
    run()
    session.execute(text("UPDATE professional SET accepts_new_patients = true "
                         "WHERE rpps = '10002222222'"))
    session.commit()
    stamps = session.execute(text("SELECT id, updated_at FROM professional ORDER BY id")).all()
    version = data_version(session)
    again = run()
    assert again.counts["changes"] == 0 and again.counts["professionals_unchanged"] == 4
    assert again.counts["sites_unchanged"] == 5
    assert "nothing changed: nothing written" in again.notes
    assert data_version(session) == version
    assert session.execute(text("SELECT id, updated_at FROM professional ORDER BY id")).all() \
        == stamps
    # The Annuaire changes a name and a GP leaves a site: updated in place, curation kept.
    api.practitioners[1]["name"][0]["family"] = "MARTIN-DURAND"
    api.roles = [r for r in api.roles if r["id"] != "r-2"]
    third = run()
    assert third.counts["professionals_updated"] == 1 and third.counts["sites_removed"] == 1
    row = session.execute(text("SELECT last_name, accepts_new_patients FROM professional "
                               "WHERE rpps = '10002222222'")).one()
    assert tuple(row) == ("MARTIN-DURAND", True)


def test_imported_professionals_are_read_through_fhir_and_the_api(run, client, session):
    run()
    session.commit()
    resp = client.get("/fhir/Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|810001234567")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["total"] == 1
    person = body["entry"][0]["resource"]
    assert person["name"][0]["family"] == "DUPONT"
    assert any(i["system"] == "https://rpps.esante.gouv.fr" and i["value"] == "10001234567"
               for i in person["identifier"])
    roles = client.get("/fhir/PractitionerRole?role=60").get_json()
    assert [e["resource"]["practitioner"]["display"] for e in roles["entry"]] == ["Anaïs MARTIN"]


def test_rate_limit_spaces_the_requests(run, api, session):
    run(rate=5.0)  # 5 requests per second: at least 0.2 s between two
    times = [r.t for r in api.requests]
    assert len(times) >= 5
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.19
