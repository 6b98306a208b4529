"""Import a département's professionals from the Annuaire Santé FHIR API, resumably, and merge
them as the RPPS file import does (``rpps_merge``): same identifiers, update in place, never
what the CPTS curates, one practice site per distinct address.

Three phases, each a series of searchset Bundles followed through their ``next`` links:

1. ``Organization?address-postalcode=<D>`` — the structures of the département (a string
   search matches the postcode's start; Corsica's 2A/2B share ``20``, told apart by the INSEE
   code), kept when their address lies in it;
2. ``PractitionerRole?organization=<ids>&_include=PractitionerRole:practitioner&_include=
   PractitionerRole:organization`` — the practice situations, by batches of organisations;
3. ``Practitioner?_id=<ids>`` — the people a role points to that no include brought.

Every page is saved with its cursor (``annuaire_sante_runs``); a re-run after a crash continues
where it stopped. When all is fetched, one transaction stages the rows in the RPPS file's
staging shape and calls the same merge; a merge that would change nothing is rolled back to its
savepoint, so an unchanged re-run writes nothing (not even a new data version).
"""
from __future__ import annotations

import logging
import time
from contextlib import AbstractContextManager
from typing import Callable

from sqlalchemy.orm import Session

from . import annuaire_sante_parse as fhir
from .annuaire_sante_client import (AnnuaireClient, AnnuaireError, AnnuaireGone, next_link,
                                    resources)
from .annuaire_sante_rows import stage_rows
from .annuaire_sante_runs import (PHASES, Cursor, drop_run, load_cursor, missing_practitioners,
                                  run_key, save_page, staged_ids)
from .report import ImportReport
from .rpps_merge import merge

log = logging.getLogger(__name__)

Sessions = Callable[[], AbstractContextManager[Session]]
#: Organisations per PractitionerRole search (the URL stays short), people per _id search.
ORG_BATCH = 50
PRACTITIONER_BATCH = 50
CHANGE_COUNTS = ("professionals_inserted", "professionals_updated", "sites_inserted",
                 "sites_updated", "sites_removed")


class _Run:
    """One import: its key, client, cursor and the way to open a transaction."""

    def __init__(self, sessions: Sessions, client: AnnuaireClient, departement: str,
                 profession: str | None, page_size: int) -> None:
        self.sessions, self.client = sessions, client
        self.departement, self.profession = departement, profession
        self.key = run_key(departement, profession)
        self.page_size = page_size
        with sessions() as session:
            saved = load_cursor(session, self.key)
        self.resumed = saved is not None
        self.cursor = saved or Cursor()

    def first_url(self, phase: str, batch: int) -> str | None:
        count = ("_count", str(self.page_size))
        if phase == "organizations":
            prefix = "20" if self.departement in ("2A", "2B") else self.departement
            return None if batch else self.client.search_url(
                "Organization", [("address-postalcode", prefix), count])
        with self.sessions() as session:
            if phase == "roles":
                ids = staged_ids(session, self.key, "Organization")[
                    batch * ORG_BATCH:(batch + 1) * ORG_BATCH]
            else:
                ids = missing_practitioners(session, self.key, PRACTITIONER_BATCH)
        if not ids:
            return None
        if phase == "roles":
            return self.client.search_url("PractitionerRole", [
                ("organization", ",".join(ids)), ("active", "true"),
                ("_include", "PractitionerRole:practitioner"),
                ("_include", "PractitionerRole:organization"), count])
        return self.client.search_url("Practitioner", [("_id", ",".join(ids)), count])

    def keep(self, phase: str, resource: dict) -> bool:
        """Organisations outside the département are not staged (the postcode search is a
        prefix search); everything else the searches return is."""
        if resource["resourceType"] != "Organization" or phase != "organizations":
            return resource["resourceType"] in ("Organization", "PractitionerRole",
                                                "Practitioner")
        return fhir.address(resource)["dep"] == self.departement

    def fetch_batch(self, phase: str, batch: int, next_url: str | None) -> bool:
        """Fetch one batch to its last page; False when the phase has no such batch."""
        first = self.first_url(phase, batch)
        if first is None:
            return False
        url, asked = next_url or first, set()
        if phase == "practitioners":
            asked = set(first.split("_id=", 1)[1].split("&", 1)[0].split(","))
        while url:
            try:
                bundle = self.client.get_bundle(url)
            except AnnuaireGone:
                if url == first:
                    raise
                log.info("saved paging link expired: restarting batch %s of %s", batch, phase)
                url = first
                continue
            found = [(r["resourceType"], r["id"], r) for _, r in resources(bundle)
                     if self.keep(phase, r)]
            url = next_link(bundle)
            asked -= {rid for kind, rid, _ in found if kind == "Practitioner"}
            absent = [("Practitioner", rid, None) for rid in asked] if not url else []
            self.cursor = Cursor(phase, batch if url else batch + 1,
                                 url if phase != "practitioners" else None,
                                 self.cursor.pages + 1)
            with self.sessions() as session:
                save_page(session, self.key, self.cursor, found + absent)
        return True

    def fetch(self) -> None:
        start = PHASES.index(self.cursor.phase)
        for phase in PHASES[start:]:
            batch = self.cursor.batch if phase == self.cursor.phase else 0
            next_url = self.cursor.next_url if phase == self.cursor.phase else None
            while self.fetch_batch(phase, batch, next_url):
                batch, next_url = batch + 1, None


def _merge(run: _Run, report: ImportReport, min_score: float) -> None:
    """Stage the fetched rows in the RPPS shape and merge them; one transaction."""
    with run.sessions() as session:
        if load_cursor(session, run.key) is None:
            report.notes.append("no organisation found in this département")
            return
        stage_rows(session, run.key, report, run.departement, run.profession)
        notes = len(report.notes)
        savepoint = session.begin_nested()
        merge(session, report, {run.departement}, min_score, {})
        changes = sum(report.counts.get(name, 0) for name in CHANGE_COUNTS)
        report.counts["changes"] = changes
        if changes:
            savepoint.commit()
        else:
            savepoint.rollback()
            session.connection().exec_driver_sql("DROP TABLE IF EXISTS stage_rpps")
            report.notes[notes:] = ["nothing changed: nothing written"]
        drop_run(session, run.key)


def import_annuaire_sante(sessions: Sessions, client: AnnuaireClient, departement: str,
                          profession: str | None = None, *, page_size: int = 100,
                          min_score: float = 0.5) -> ImportReport:
    """Fetch (or resume fetching) one département, then merge. Raises ``AnnuaireError`` when
    the API stops the run: what was fetched stays saved for the next run, the directory is
    untouched."""
    departement = departement.strip().upper()
    profession = (profession or "").strip() or None
    run = _Run(sessions, client, departement, profession, page_size)
    report = ImportReport(source=f"Annuaire Santé {departement}"
                          + (f" profession {profession}" if profession else ""))
    if run.resumed:
        report.notes.append(f"resumed at page {run.cursor.pages + 1} ({run.cursor.phase})")
    t0 = time.perf_counter()
    run.fetch()
    report.counts.update(pages=run.cursor.pages, requests=client.requests)
    if client.waited:
        report.notes.append(f"waited {client.waited:.1f} s on 429 Retry-After")
    report.notes.append(f"fetched in {time.perf_counter() - t0:.1f} s")
    _merge(run, report, min_score)
    return report


__all__ = ["AnnuaireError", "AnnuaireClient", "import_annuaire_sante"]
