"""Request and response models of the statistics routes (monitoring bodies and heads of office)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

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
    """How an ad hoc question is answered: differentially private noisy counts only (exact
    figures are published in releases)."""

    differential = "differential"  # OpenDP noisy counts, spends the asker's privacy budget


class Format(StrEnum):
    json = "json"
    csv = "csv"


Month = Annotated[str, StringConstraints(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")]


class StatisticsQuery(BaseModel):
    """Parameters of GET /v1/statistics (an ad hoc question). Unknown parameters are refused."""

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
    privacy: Privacy = Field(
        default=Privacy.differential,
        description="Always `differential`: counts with OpenDP noise, spending `epsilon`.",
    )
    epsilon: float | None = Field(
        default=None,
        ge=0.001,
        le=100,
        description="Privacy loss of this answer; default and most: "
        "`OMBUDS_DP_EPSILON_MAX_PER_RELEASE`.",
    )
    format: Format | None = Field(default=None, description="`csv` for CSV with a header row.")


class StatisticsRow(BaseModel):
    group: dict[str, str] = Field(
        description="The group's value per dimension; a dimension left out means all of it.",
        examples=[{"status": "closed", "sex_gender": "woman"}],
    )
    complaints: int = Field(description="A noisy count (discrete Laplace, clamped at zero).")


class PrivacyInfo(BaseModel):
    mechanism: str
    epsilon: float
    sensitivity: int
    noise_scale: float
    budget_consumer: str = Field(description="Whose budget paid: the asker's subject.")
    budget_period: str
    budget_per_period: float
    budget_remaining: float


class StatisticsMetadata(BaseModel):
    computed_at: datetime
    months: list[str] = Field(description="First and last month of receipt covered.")
    tracks: list[Track]
    privacy: PrivacyInfo
    notes: list[str]


class StatisticsTable(BaseModel):
    group_by: list[Dimension]
    period_unit: PeriodUnit
    rows: list[StatisticsRow] = Field(description="Every combination of the groups, zeros too.")
    totals: list[StatisticsRow] = Field(
        description="Totals of each group (one dimension left out), and the grand total last."
    )
    metadata: StatisticsMetadata


# Releases.

TrackOrAll = Literal["ombudsperson", "anti_corruption", "all"]


class ReleaseCell(BaseModel):
    track: TrackOrAll
    group: dict[str, str] = Field(description="The value of each of the table's dimensions.")
    value: int | None = Field(description="Null when suppressed.")
    suppressed: bool


class ReleaseTable(BaseModel):
    id: str = Field(examples=["complaints_by_right"])
    population: Literal["complaints", "remedies", "finishes"]
    dimensions: list[str]
    cells: list[ReleaseCell]


class ReleaseShare(BaseModel):
    id: str = Field(examples=["acknowledged_on_time_share"])
    track: TrackOrAll
    value: float | None
    numerator: int | None
    denominator: int | None
    suppressed: bool


class ReleaseDuration(BaseModel):
    id: str = Field(examples=["median_days_to_finish"])
    track: TrackOrAll
    value: int | None
    suppressed: bool


class ReleaseDisclosure(BaseModel):
    method: str
    min_cell: int
    suppressed: int
    primary_suppressed: int
    checked_with: list[str] = Field(description="The releases of the year checked jointly.")
    rules: list[str]


class ReleaseSignature(BaseModel):
    algorithm: Literal["Ed25519"]
    key_id: str
    public_key: str = Field(description="The raw public key, base64url.")
    digest: str = Field(description="sha256 of the signed bytes: the canonical JSON.")
    value: str = Field(description="The signature, base64.")


class AnnualFigure(BaseModel):
    section: str
    item: str
    value: float | int | None
    suppressed: bool = False


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


class ReleaseIndicators(BaseModel):
    framework: str
    tracks: dict[TrackOrAll, list[Indicator]]


class Release(BaseModel):
    """A frozen release. The signature covers every other field, as canonical JSON (keys
    sorted, no whitespace, UTF-8)."""

    release: int = Field(description="The release number.")
    period: str = Field(examples=["2026-Q1"])
    unit: PeriodUnit
    version: int
    supersedes: int | None
    reason: str | None
    months: list[str]
    computed_at: datetime
    tracks: list[TrackOrAll]
    tables: list[ReleaseTable]
    shares: list[ReleaseShare] | None = Field(default=None, description="Yearly releases.")
    durations: list[ReleaseDuration] | None = Field(default=None, description="Yearly releases.")
    annual_report: dict[TrackOrAll, list[AnnualFigure]] | None = None
    indicators: ReleaseIndicators | None = None
    disclosure: ReleaseDisclosure
    signature: ReleaseSignature


class ReleaseSummary(BaseModel):
    release: int
    period: str
    unit: PeriodUnit
    version: int
    supersedes: int | None
    reason: str | None
    computed_at: datetime
    digest: str
    current: bool = Field(description="False once a later version of the period exists.")


class ReleaseList(BaseModel):
    releases: list[ReleaseSummary]


class ReleaseQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=2000, le=2100)
    unit: PeriodUnit | None = None


class ReleaseFormat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Format | None = Field(
        default=None, description="`csv`: one row per figure, a header row first."
    )


class RevisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=10, max_length=2000, description="Why the period is revised.")


class IndicatorQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=2000, le=2100, description="Default: last year.")
    track: TrackOrAll = "all"


class IndicatorSet(BaseModel):
    year: int
    track: TrackOrAll
    release: int
    framework: str
    indicators: list[Indicator]


class AnnualQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    track: TrackOrAll = "all"
    format: Format | None = None


class AnnualReport(BaseModel):
    year: int
    track: TrackOrAll
    release: int
    figures: list[AnnualFigure]
