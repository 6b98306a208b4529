"""Who is making a request, and what they may touch.

A ``Principal`` is a plain value: services ask it scope questions (``can_act_in_region``,
``can_manage_cpts``…) and stay free of Flask. ``mapper.http.principal`` resolves it once per
request (bearer token or signed-in session).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    account_id: int | None = None
    email: str | None = None
    role: str | None = None  # None: anonymous
    regions: frozenset[str] = field(default_factory=frozenset)
    cpts_id: int | None = None
    professional_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.role is None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        """Who acted, as the audit trail records it."""
        if self.is_anonymous:
            return "anonymous"
        if self.account_id is None:  # a trusted program: an import, the demo, the CLI
            return self.email or "system"
        return f"account:{self.account_id} ({self.email})"

    @classmethod
    def system(cls, label: str) -> "Principal":
        """A trusted program (an import, the demo) acting with an administrator's rights,
        named ``label`` in the audit trail."""
        return cls(role="admin", email=label)

    def can_act_in_region(self, region: str | None) -> bool:
        return self.is_admin or (self.role == "ars" and region in self.regions)

    def can_manage_cpts(self, cpts_id: int, region: str | None) -> bool:
        return (self.can_act_in_region(region)
                or (self.role == "coordinator" and self.cpts_id == cpts_id))

    @classmethod
    def from_account(cls, account) -> "Principal":
        return cls(account_id=account.id, email=account.email, role=account.role,
                   regions=frozenset(account.regions or ()), cpts_id=account.cpts_id,
                   professional_id=account.professional_id)


ANONYMOUS = Principal()
