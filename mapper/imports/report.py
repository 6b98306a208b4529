"""Import reports: counts plus every rejected item with its reason. Nothing is dropped silently."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
