"""Token parameters shared by the searches: RPPS/IDNPS identifiers and profession or
specialty codes, checked against the code systems ``people`` publishes."""
from __future__ import annotations

from . import params as P
from . import people


def rpps_value(system: str | None, value: str) -> str:
    """The RPPS number of an ``identifier`` token (IDNPS ``8`` + RPPS, or the RPPS)."""
    if system in (people.IDNPS, None) and len(value) == 12 and value.startswith("8"):
        value = value[1:]
    elif system not in (people.RPPS, None):
        raise P.bad("identifier", f"système inconnu : {system}")
    if len(value) != 11 or not value.isdigit():
        raise P.bad("identifier", "numéro RPPS à 11 chiffres (ou IDNPS 8 + RPPS) attendu")
    return value


def rpps_values(args) -> list[str]:
    return [rpps_value(system, value) for system, value in P.tokens(args, "identifier")]


def codes(args, name: str, system: str) -> list[str]:
    out = []
    for sys_, code in P.tokens(args, name):
        if sys_ not in (None, "", system, people.LOCAL_PROFESSION):
            raise P.bad(name, f"système inconnu : {sys_}")
        out.append(code)
    return out
