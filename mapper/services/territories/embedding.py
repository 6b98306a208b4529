"""Where a CPTS's widget may be shown: its website and the sites allowed to frame the widget
(``embed_origins``), as its coordinator sets them on the CPTS page.

One use case with the API's PATCH: the same checks (``lifecycle.clean_fields``, hence
``schemas.origins``), the same write and audit (``update_cpts``). The page's form sends both
fields at once, so the reasons of both are given at once.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import Forbidden, ValidationFailed
from ...messages import N_
from ...models import Cpts
from .lifecycle import clean_fields, update_cpts


def update_embedding(session: Session, principal, cpts: Cpts, *, website: str | None,
                     origins: list[str], settings: Settings) -> Cpts:
    """Set the website and the allowed sites (normalised, duplicates dropped); 403 for
    anyone who does not manage the CPTS, 422 with the reasons of each field."""
    if not principal.can_manage_cpts(cpts.id, cpts.region):
        raise Forbidden("Vous ne gérez pas cette CPTS.")
    data = {"website": website, "embed_origins": origins}
    errors: dict[str, list] = {}
    for key, value in data.items():
        try:
            clean_fields({key: value})
        except ValidationFailed as exc:
            errors.update(exc.errors or {key: [exc.detail]})
    if errors:
        raise ValidationFailed(N_("Sites de la CPTS invalides."), errors=errors)
    return update_cpts(session, principal, cpts, data, settings=settings)
