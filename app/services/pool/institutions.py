"""Institutions and their contact persons."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Institution


def search_query(*, text: str = "", kind: str = "", district: str = "") -> sa.Select:
    stmt = sa.select(Institution)
    if kind:
        stmt = stmt.where(Institution.kind == kind)
    if district:
        stmt = stmt.where(Institution.district == district)
    if text:
        like = f"%{text.strip().lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Institution.name).like(like),
                sa.func.lower(Institution.street).like(like),
            )
        )
    return stmt.order_by(Institution.name)
