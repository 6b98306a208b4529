"""The hours a CPTS wants someone on call (its planning highlights the gaps in them).

No row: the default of the founding CPTS, weekdays from 14:00 to 20:00 (``DEFAULT_*``).
"""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ARRAY, CheckConstraint, DateTime, ForeignKey, SmallInteger, Time, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

DEFAULT_WEEKDAYS = (1, 2, 3, 4, 5)
DEFAULT_START, DEFAULT_END = time(14, 0), time(20, 0)


class RotaHours(Base):
    __tablename__ = "rota_hours"
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="ordered"),
        CheckConstraint("weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[]", name="weekdays"),
    )

    cpts_id: Mapped[int] = mapped_column(ForeignKey("cpts.id", ondelete="CASCADE"),
                                         primary_key=True)
    #: ISO weekdays (1 = Monday).
    weekdays: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger), nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now(), nullable=False)
