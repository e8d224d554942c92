"""Property-based run of the API against its own OpenAPI document (Schemathesis).

A real uvicorn serves the app on a loopback port against the test database. The run is bounded and
deterministic (derandomized, a fixed number of examples per operation) so it stays fast in the
suite; `make fuzz` raises the number of examples.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.auth.tokens import issue
from app.config import Settings
from app.kit.permissions import Role
from app.main import create_app
from tests.conftest import TEST_SECRETS

EXAMPLES = int(os.environ.get("OMBUDS_FUZZ_EXAMPLES", "20"))

# A schema-violating request may also be refused for its size: 413 is a rejection too.
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}}}
)
schema = schemathesis.openapi.from_dict(create_app().openapi(), config=CONFIG)


@schema.auth()
class StaffToken:
    """A token seeing both tracks. Registered as auth, so Schemathesis also tries requests
    without it (and expects 401)."""

    def get(self, case: Any, context: Any) -> str:
        settings = Settings(environment="test", **TEST_SECRETS)
        return issue(
            settings,
            subject="fuzzer",
            roles=[Role.ombudsperson, Role.oversight_officer],
            ttl_seconds=3600,
        )

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
def test_api_honours_its_contract(case: Any, live_server: str) -> None:
    # Some rules cannot be written in JSON Schema (an incident period must not end before it
    # starts, nor lie in the future; some actions need a reason; the page-size cap is a setting),
    # so a schema-valid request may rightly get 422. Every other check runs.
    case.call_and_validate(base_url=live_server, excluded_checks=[positive_data_acceptance])


STEPS = int(os.environ.get("OMBUDS_FUZZ_STEPS", "8"))
SCENARIOS = int(os.environ.get("OMBUDS_FUZZ_SCENARIOS", "40"))
_TOKENS = Settings(environment="test", **TEST_SECRETS)


def _token(*roles: Role, subject: str, department: str | None = None) -> dict[str, str]:
    token = issue(
        _TOKENS, subject=subject, roles=list(roles), ttl_seconds=3600, department=department
    )
    return {"Authorization": f"Bearer {token}"}


# Who makes each kind of call in a scenario: the resident who filed for what only a filer does,
# the department for what is addressed to it, monitors and auditors for theirs, and the heads of
# both offices (who hold every handling permission) for the rest.
OWNER = _token(Role.resident, subject="owner")
CALLERS: list[tuple[str, dict[str, str]]] = [
    ("/v1/remedies", _token(Role.respondent, subject="clerk", department="Housing")),
    ("/v1/information-requests", _token(Role.respondent, subject="clerk", department="Housing")),
    ("/v1/statistics", _token(Role.monitor, subject="monitor")),
    ("/v1/indicators", _token(Role.monitor, subject="monitor")),
    ("/v1/reports", _token(Role.monitor, subject="monitor")),
    ("/v1/audit", _token(Role.auditor, subject="auditor")),
    ("/v1/me/email-preferences", _token(Role.ombudsperson, subject="head")),
    ("/v1/me", OWNER),
]
FILER_ONLY = ("/export", "/retaliation", "/response", "/email-updates")
HEADS = _token(Role.ombudsperson, Role.oversight_head, subject="head")


def _caller(method: str, path: str) -> dict[str, str]:
    if method == "POST" and path == "/v1/complaints":
        return OWNER
    if path.startswith("/v1/complaints/") and path.endswith(FILER_ONLY):
        return OWNER
    return next((h for prefix, h in CALLERS if path.startswith(prefix)), HEADS)


async def test_api_honours_its_contract_across_calls(
    live_server: str, client: Any, db: Any, auth: Any, settings: Settings
) -> None:
    """Stateful: Schemathesis chains the calls through the ids they return (a filing's id into
    its sub-resources, a hearing's id into its changes, ...), so requests reach real cases and
    their success responses are checked against the schema as well as the refusals. Schema-valid
    input may still be refused by a rule JSON Schema cannot state (a state of the workflow, a
    date in the past, a child that is not there): 404, 409, 412 and 422 are accepted then.
    Cases with everything that hangs off them are seeded first, so lists and the department's
    inbox have something to show."""
    from app.attachments.storage import LocalStorage
    from app.taxonomy import Track
    from tests.world import World

    world = World(client, db, auth, LocalStorage(settings.attachments_dir))
    for track, status in (
        (Track.ombudsperson, "remedy_follow_up"),
        (Track.anti_corruption, "closed"),
    ):
        await world.case(track, status)
    stateful = schemathesis.openapi.from_dict(
        create_app().openapi(),
        config=SchemathesisConfig.from_dict(
            {
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2XX", "404", "409", "412", "422", "428"]
                    },
                    "negative_data_rejection": {"expected-statuses": REJECTIONS},
                }
            }
        ),
    )

    class Scenario(stateful.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {
                "base_url": live_server,
                "headers": _caller(case.method.upper(), case.formatted_path),
            }

    # Run in a thread: Hypothesis drives the state machine synchronously.
    await asyncio.to_thread(
        Scenario.run,
        settings=hypothesis.settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
