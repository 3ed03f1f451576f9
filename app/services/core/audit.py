"""Append-only audit trail of who touched personal data or assignments."""

from __future__ import annotations

import json

from app.extensions import db
from app.models import AuditLog, User

CLI = "CLI"  # the actor label of an operator's `flask ...` command on the server


def record(actor: User | None, action: str, obj_type: str, obj_id: int | None, *,
           label: str = "", **details) -> None:
    """Add an audit entry to the current transaction (committed with the change it records).

    `label` names an actor that is no account (`CLI`); without actor and label it is "system".
    """
    db.session.add(
        AuditLog(
            actor_id=actor.id if actor is not None and actor.is_authenticated else None,
            actor_label=label or getattr(actor, "email", "") or "system",
            action=action,
            object_type=obj_type,
            object_id=obj_id,
            details=json.dumps(details, default=str, ensure_ascii=False) if details else "",
        )
    )
