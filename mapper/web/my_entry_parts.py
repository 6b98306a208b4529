"""What /moi shows besides the entry's form: the closures to come and, for each practice site,
the places it may belong to (those of the entry's CPTS)."""
from __future__ import annotations

from datetime import date

from ..services.directory import closures, places


def my_places_and_closures(session, principal, entry: dict) -> dict:
    choices: dict[int, dict] = {}
    for cpts in entry["cpts"]:
        for p in places.list_places(session, cpts=cpts["id"]):
            choices[p["id"]] = p
    return {"my_closures": closures.list_closures(session, principal,
                                                  professional_id=entry["id"],
                                                  since=date.today()),
            "place_choices": sorted(choices.values(), key=lambda p: p["name"].casefold()),
            "closure_values": {}, "closure_errors": {}, "place_errors": []}
