"""The retaliation room's table and codes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, get_args

import sqlalchemy as sa
from sqlmodel import SQLModel

from app.kit.columns import code, code_domain, complaint_ref, moment, serial, text_field

# What a reporter facing retaliation may ask for (Directive 2019/1937 art. 20).
Measure = Literal["relocation_support", "legal_aid", "psychosocial_support"]


PROTECTION_MEASURE = code_domain("protection_measure", get_args(Measure))
MEASURE_STATUS = code_domain("measure_status", ["requested", "granted", "refused"])


class ProtectionMeasure(SQLModel, table=True):
    """Support offered to a reporter facing retaliation (the city's protection programme)."""

    __tablename__ = "protection_measures"
    __table_args__ = (sa.Index("ix_protection_measures_complaint", "complaint_id", "id"),)

    id: int = serial()
    complaint_id: uuid.UUID = complaint_ref()
    measure: str = code(PROTECTION_MEASURE)
    status: str = code(MEASURE_STATUS)
    note: str | None = text_field(nullable=True)
    decided_by: str | None = text_field(nullable=True)
    decided_at: datetime | None = moment(nullable=True)
    created_at: datetime = moment(now=True)
