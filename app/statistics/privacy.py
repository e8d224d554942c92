"""Differential privacy for ad hoc questions (OpenDP), with a privacy budget per consumer (each
monitor, each head of office) and calendar month.

Each answer spends its epsilon from the asker's budget for the month, committed before the answer
is computed; when the budget cannot cover it, it is refused with a clear error and nothing is
spent. One consumer spending theirs leaves the others' budgets whole. Counts get discrete
Laplace noise scaled to the most cells one complaint can count in (its sensitivity), then are
clamped to non-negative integers (post-processing).
"""

from __future__ import annotations

from datetime import UTC, datetime

import opendp.prelude as dp

from app.config import Settings
from app.kit.errors import AppError
from app.kit.sql import Conn
from app.statistics.schemas import PrivacyInfo

dp.enable_features("contrib")

MECHANISM = "discrete Laplace (OpenDP make_laplace over integers), clamped at zero"


class BudgetExhausted(AppError):
    status, slug, title = 409, "privacy-budget-exhausted", "The privacy budget is spent"


_SPEND = """
INSERT INTO privacy_budgets AS b (consumer, period, spent, releases)
VALUES (%(consumer)s, %(period)s, %(epsilon)s, 1)
ON CONFLICT (consumer, period) DO UPDATE
SET spent = b.spent + EXCLUDED.spent, releases = b.releases + 1
WHERE b.spent + EXCLUDED.spent <= %(budget)s + 1e-9
RETURNING spent
"""


async def spend(conn: Conn, settings: Settings, epsilon: float, consumer: str) -> PrivacyInfo:
    budget = settings.dp_epsilon_per_month
    if epsilon > settings.dp_epsilon_max_per_release:
        raise BudgetExhausted(
            f"epsilon {epsilon} exceeds the most one release may spend "
            f"({settings.dp_epsilon_max_per_release})."
        )
    period = datetime.now(UTC).strftime("%Y-%m")
    params = {"consumer": consumer, "period": period, "epsilon": epsilon, "budget": budget}
    cur = await conn.execute(_SPEND, params)
    row = await cur.fetchone()
    if row is None:
        cur = await conn.execute(
            "SELECT spent FROM privacy_budgets WHERE consumer = %(consumer)s "
            "AND period = %(period)s",
            params,
        )
        spent = await cur.fetchone()
        left = max(0.0, budget - float(spent["spent"] if spent else 0.0))
        raise BudgetExhausted(
            f"Your privacy budget of {period} has {left:.4g} of {budget:g} left; this question "
            f"asks for {epsilon:g}. It renews next month; releases (/v1/releases) cost nothing."
        )
    return PrivacyInfo(
        mechanism=MECHANISM,
        epsilon=epsilon,
        sensitivity=1,
        noise_scale=1 / epsilon,
        budget_consumer=consumer,
        budget_period=period,
        budget_per_period=budget,
        budget_remaining=max(0.0, round(budget - float(row["spent"]), 9)),
    )


def noisy_counts(counts: list[int], sensitivity: int, epsilon: float) -> list[int]:
    """Counts with noise giving epsilon-DP for a person counted in up to `sensitivity` cells."""
    if not counts:
        return []
    scale = sensitivity / epsilon
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    # OpenDP's Measurement.map carries no annotations.
    assert measurement.map(sensitivity) <= epsilon + 1e-9  # type: ignore[no-untyped-call]
    return [max(0, int(v)) for v in measurement(counts)]
