"""A mediator's "Ich kann" on the open-request board (a volunteer sign-up)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import UTCDateTime, now_utc

if TYPE_CHECKING:
    from app.models.mediator import Mediator
    from app.models.request import InterpretingRequest


class BoardSignup(db.Model):
    """One mediator volunteering for one open request; withdrawn rows are kept (and reused).

    Unique per request and mediator, so two clicks on "Ich kann" cannot make two rows; a
    withdrawn sign-up given again clears `withdrawn_at` on the same row.
    """

    __tablename__ = "board_signup"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "mediator_id"),
        sa.Index("ix_board_signup_mediator_id", "mediator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interpreting_request.id", ondelete="CASCADE")
    )
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediator.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    withdrawn_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)

    request: Mapped["InterpretingRequest"] = relationship()
    mediator: Mapped["Mediator"] = relationship()

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None
