"""The fetched FHIR resources of a run as rows of the RPPS import's staging table
(``stage_rpps``, same columns as a line of the extraction file): one row per active practice
situation (PractitionerRole) with its person (Practitioner) and its structure's address
(Organization). Rows that cannot be stored are rejected one by one, with the role's id.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from . import annuaire_sante_parse as fhir
from .annuaire_sante_runs import staged
from .report import ImportReport
from .rpps import ADELI_ID, RPPS_ID, STAGE_COLUMNS, STAGE_SQL
from .staging import copy_rows, create_staging

MAX_LISTED_REJECTIONS = 1000


def _clip(value: str | None, n: int) -> str | None:
    return value[:n] if value and len(value) > n else value


def _problem(id_type: str | None, pp_id: str | None, last_name, profession_code) -> str | None:
    if id_type is None:
        return "no RPPS or ADELI identifier"
    if id_type == "8" and not RPPS_ID.match(pp_id or ""):
        return "RPPS identifier is not 11 digits"
    if id_type == "0" and not ADELI_ID.match(pp_id or ""):
        return "ADELI identifier is not 9 characters"
    if not (last_name and profession_code):
        return "missing name or profession code"
    return None


class _Rows:
    """Builds the staging tuples of a run and counts what it skips."""

    def __init__(self, session: Session, key: str, report: ImportReport, departement: str,
                 profession: str | None) -> None:
        self.report, self.departement, self.profession = report, departement, profession
        self.people = {p["id"]: p for p in staged(session, key, "Practitioner")}
        self.orgs = {o["id"]: o for o in staged(session, key, "Organization")}
        self.counts = dict(organizations=len(self.orgs), practitioners=len(self.people),
                           roles=0, skipped_by_filter=0, without_address=0, rejected_rows=0)

    def reject(self, role: dict, reason: str, key: str | None) -> None:
        self.counts["rejected_rows"] += 1
        if len(self.report.rejected) < MAX_LISTED_REJECTIONS:
            self.report.reject(f"PractitionerRole/{role['id']}", reason, key)

    def row(self, n: int, role: dict) -> tuple | None:
        person = self.people.get(fhir.reference_id(role.get("practitioner"), "Practitioner"))
        org = self.orgs.get(fhir.reference_id(role.get("organization"), "Organization"))
        if role.get("active") is False or org is None:
            self.counts["skipped_by_filter"] += 1  # inactive, or a structure elsewhere
            return None
        if person is None:
            self.reject(role, "its Practitioner was not returned by the API", None)
            return None
        code, label = fhir.profession(role, person)
        if self.profession and code != self.profession:
            self.counts["skipped_by_filter"] += 1
            return None
        id_type, pp_id = fhir.person_id(person)
        civility, first, last = fhir.names(role, person)
        problem = _problem(id_type, pp_id, last, code)
        if problem:
            self.reject(role, problem, pp_id)
            return None
        spec_code, spec_label = fhir.specialty(role, person)
        addr = fhir.address(org)
        self.counts["without_address"] += addr["key"] is None
        return (n, id_type, pp_id, _clip(civility, 16), _clip(last, 200), _clip(first, 200),
                _clip(code, 32), _clip(label, 200), _clip(spec_code, 16), _clip(spec_label, 300),
                _clip(org.get("name"), 300), _clip(addr["line"], 300), _clip(addr["postcode"], 10),
                _clip(addr["commune_code"], 5), _clip(addr["commune_label"], 200),
                _clip(fhir.phone(org), 40), _clip(addr["key"], 700), addr["dep"])

    def rows(self, roles):
        for n, role in enumerate(roles, 1):
            self.counts["roles"] += 1
            row = self.row(n, role)
            if row is not None:
                yield row


def stage_rows(session: Session, key: str, report: ImportReport, departement: str,
               profession: str | None) -> int:
    """COPY the run's rows into a fresh ``stage_rpps``; returns how many."""
    rows = _Rows(session, key, report, departement, profession)
    create_staging(session, "stage_rpps", STAGE_SQL)
    n = copy_rows(session, "stage_rpps", STAGE_COLUMNS,
                  list(rows.rows(staged(session, key, "PractitionerRole"))))
    report.counts.update(rows.counts)
    return n
