"""Property-based run of the API against its own OpenAPI document (Schemathesis).

A real uvicorn serves the app on a loopback port against the test database. The run is bounded and
deterministic (derandomized, a fixed number of examples per operation) so it stays fast in the
suite; `make fuzz` raises the number of examples.
"""

from __future__ import annotations

import os
from typing import Any

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
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "413",
                    "415",
                    "422",
                    "428",
                    "429",
                ]
            }
        }
    }
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
