"""Import reports: counts plus every rejected item with its reason. Nothing is dropped silently.

Two kinds of trouble: a bad row or feature is rejected alone, with its line or feature number,
and the others land (the command then exits non-zero); a file that cannot be read as a whole —
wrong format or encoding, truncated — raises ``FileRefused``, and nothing of it lands (the
caller's transaction is rolled back).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..schemas.fields import INT4_MAX, text_problem


class FileRefused(ValueError):
    """The file cannot be imported at all (format, encoding, truncation): nothing of it lands."""


def cell_problem(values) -> str | None:
    """Why a row's text cannot be stored (a NUL byte, a lone surrogate), or None."""
    for value in values:
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return problem
    return None


def error_reason(exc) -> str:
    """A use case's refusal (a MapperError) as one line: its fields' reasons, else its detail."""
    reasons = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in (exc.errors or {}).items()
                        if isinstance(v, list))
    return reasons or exc.detail


def int4(value: int) -> bool:
    """Whether a count or a population fits an ``integer`` column."""
    return 0 <= value <= INT4_MAX


def unicode_line(raw: bytes, exc: UnicodeDecodeError) -> int:
    """The line (from 1) of the byte a UTF-8 decoding stopped at."""
    return raw[:exc.start].count(b"\n") + 1


@dataclass
class Rejection:
    where: str  # "feature 12", "line 7"
    reason: str
    key: str | None = None


@dataclass
class ImportReport:
    source: str
    counts: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Keys of the rows the import changed (e.g. commune codes), for follow-up refreshes.
    changed: list[str] = field(default_factory=list)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def reject(self, where: str, reason: str, key: str | None = None) -> None:
        self.rejected.append(Rejection(where, reason, key))

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, **self.counts, "rejected": len(self.rejected),
                "rejections": [r.__dict__ for r in self.rejected], "notes": self.notes}

    def lines(self) -> list[str]:
        counts = ", ".join(f"{k}: {v}" for k, v in self.counts.items())
        out = [f"{self.source}: {counts}, rejected: {len(self.rejected)}"]
        out += [f"  rejected {r.where}{f' ({r.key})' if r.key else ''}: {r.reason}"
                for r in self.rejected]
        out += [f"  note: {n}" for n in self.notes]
        return out
