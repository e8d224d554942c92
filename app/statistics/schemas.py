"""Request and response models of the statistics routes (monitoring bodies and heads of office)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.taxonomy import Track


class Dimension(StrEnum):
    """What statistics can be grouped by: the period and track of receipt, the case's status,
    origin, rights, grounds, department and outcome, and the self-identified characteristics."""

    period = "period"
    track = "track"
    status = "status"
    origin = "origin"
    right = "right"
    ground = "ground"
    department = "department"
    outcome = "outcome"
    sex_gender = "sex_gender"
    age_band = "age_band"
    disability = "disability"
    migration_status = "migration_status"
    ethnicity = "ethnicity"


class PeriodUnit(StrEnum):
    """How months of receipt are grouped into periods."""

    month = "month"
    quarter = "quarter"
    year = "year"


class Privacy(StrEnum):
    """Disclosure control: small-cell suppression, or differentially private noisy counts."""

    suppression = "suppression"  # small-cell suppression (default)
    differential = "differential"  # OpenDP noisy counts, spends the privacy budget


Month = Annotated[str, StringConstraints(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")]


class StatisticsQuery(BaseModel):
    """Parameters of GET /v1/statistics. Unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    group_by: list[Dimension] = Field(
        default_factory=list,
        max_length=2,
        description="Up to two dimensions; none gives the totals only.",
    )
    period_unit: PeriodUnit = Field(
        default=PeriodUnit.year, description="How `period` groups months of receipt."
    )
    from_: Month | None = Field(
        default=None,
        alias="from",
        description="First month of receipt (YYYY-MM). Default: January of this year.",
    )
    to: Month | None = Field(default=None, description="Last month (YYYY-MM). Default: now.")
    track: list[Track] | None = Field(default=None, max_length=2, description="Only these tracks.")
    durations: bool = Field(
        default=False,
        description="Also the median and 90th percentile durations per group (read from "
        "histograms: slower on long ranges with many groups).",
    )
    privacy: Privacy = Field(
        default=Privacy.suppression,
        description="`differential`: counts with OpenDP noise, spending `epsilon`.",
    )
    epsilon: float | None = Field(
        default=None, ge=0.001, le=100, description="Privacy loss of this release (differential)."
    )


class Measures(BaseModel):
    """Figures derived from a group; null when the group is too small to publish them."""

    acknowledged_on_time_share: float | None = None
    feedback_on_time_share: float | None = None
    decided_on_time_share: float | None = None
    investigated_share: float | None = None
    median_days_to_acknowledgement: int | None = None
    p90_days_to_acknowledgement: int | None = None
    median_days_to_findings: int | None = None
    p90_days_to_findings: int | None = None
    median_days_to_finish: int | None = None
    p90_days_to_finish: int | None = None
    remedies_recommended: int | None = None
    remedy_response_rate: float | None = None
    remedy_compliance_rate: float | None = None


class StatisticsRow(BaseModel):
    group: dict[str, str] = Field(
        description="The group's value per dimension; a dimension left out means all of it.",
        examples=[{"status": "closed", "sex_gender": "woman"}],
    )
    complaints: int | None = Field(description="Null when suppressed.")
    suppressed: bool
    measures: Measures


class DisclosureInfo(BaseModel):
    method: str
    min_cell: int
    primary_suppressed: int
    secondary_suppressed: int
    rules: list[str]


class PrivacyInfo(BaseModel):
    mechanism: str
    epsilon: float
    sensitivity: int
    noise_scale: float
    budget_period: str
    budget_per_period: float
    budget_remaining: float


class StatisticsMetadata(BaseModel):
    computed_at: datetime
    months: list[str] = Field(description="First and last month of receipt covered.")
    tracks: list[Track]
    disclosure: DisclosureInfo | None
    privacy: PrivacyInfo | None
    notes: list[str]


class StatisticsTable(BaseModel):
    group_by: list[Dimension]
    period_unit: PeriodUnit
    rows: list[StatisticsRow] = Field(description="Every combination of the groups, zeros too.")
    totals: list[StatisticsRow] = Field(
        description="Totals of each group (one dimension left out), and the grand total last."
    )
    metadata: StatisticsMetadata


class IndicatorKind(StrEnum):
    structural = "structural"
    process = "process"
    outcome = "outcome"


class Indicator(BaseModel):
    code: str
    name: str
    kind: IndicatorKind
    value: float | int | bool | None
    unit: str
    numerator: int | None = None
    denominator: int | None = None
    suppressed: bool = False
    description: str


class IndicatorQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=2000, le=2100, description="Default: this year.")
    track: list[Track] | None = Field(default=None, max_length=2)


class IndicatorSet(BaseModel):
    year: int
    tracks: list[Track]
    framework: str
    indicators: list[Indicator]
    metadata: StatisticsMetadata


class AnnualQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    track: list[Track] | None = Field(default=None, max_length=2)


class AnnualFigure(BaseModel):
    section: str
    item: str
    value: float | int | None
    suppressed: bool = False


class AnnualReport(BaseModel):
    year: int
    tracks: list[Track]
    figures: list[AnnualFigure]
    metadata: StatisticsMetadata
