"""Settings from the environment (prefix ``OMBUDS_``; ``DATABASE_URL`` has none)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import json
import os
import re
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from app.secretfiles import FileProblem, SecretFilesSource

# Used only when OMBUDS_ENVIRONMENT=development (the default for `make run` and the tests).
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production-0000"  # noqa: S105
MIN_SECRET_LENGTH = 32
# Development only: an identity key anyone can derive, refused outside development.
_DEVELOPMENT_IDENTITY_KEY = hashlib.sha256(b"ombuds development identity key").digest()
DEVELOPMENT_IDENTITY_KEYS = "dev1:" + base64.b64encode(_DEVELOPMENT_IDENTITY_KEY).decode()

Environment = Literal["development", "test", "production"]
_SECRETS = ("jwt_secret", "receipt_key", "audit_key")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMBUDS_", env_file=".env", extra="ignore")

    environment: Environment = "development"
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "OMBUDS_DATABASE_URL"),
        description="PostgreSQL URL. Unset: an embedded PostgreSQL is started under var_dir.",
    )
    # The role that owns the schema: migrations, backups and restores connect with it, and grant
    # the role of DATABASE_URL what the service needs (app/dbroles.py). Unset: DATABASE_URL.
    migration_database_url: str | None = None
    # A directory of secret files named after their variables (app/secretfiles.py).
    secrets_dir: Path | None = None
    var_dir: Path = Field(default=Path("var"), description="Where the embedded PostgreSQL lives.")
    db_pool_min: int = Field(default=4, ge=1)
    db_pool_max: int = Field(default=32, ge=1)

    # Tokens (HS256, signed locally).
    jwt_secret: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    jwt_issuer: str = "ombuds"
    jwt_audience: str = "ombuds-api"
    access_token_ttl_seconds: int = Field(default=3600, ge=60, le=86400)
    receipt_token_ttl_seconds: int = Field(default=1800, ge=60, le=86400)
    # Keyed hash (HMAC-SHA256) for complaint receipts; a different key from the token secret.
    receipt_key: SecretStr = SecretStr(DEVELOPMENT_SECRET + "-receipt")
    # HMAC key of the audit trail's hash chain: kept out of the database, so whoever holds the
    # database alone cannot rewrite the trail without it showing.
    audit_key: SecretStr = SecretStr(DEVELOPMENT_SECRET + "-audit")
    # AES-256-GCM keys sealing complainants' identities and contact details:
    # `kid:base64key;kid2:base64key`, the first one seals, all of them open (key rotation).
    identity_keys: SecretStr = SecretStr(DEVELOPMENT_IDENTITY_KEYS)

    # Intake. The Venice Principles (17) and the Directive (art. 6(2)) expect free access and
    # leave anonymous reports to the city: both are declared here and shown by indicator S1.
    anonymous_filing: bool = Field(
        default=True,
        description="Accept complaints with neither contact details nor an account.",
    )
    filing_fee: Decimal = Field(
        default=Decimal(0),
        ge=0,
        max_digits=10,
        decimal_places=2,
        description="What the office charges to file, in the local currency (the service itself "
        "takes no payment; anything above 0 makes indicator S1 false).",
    )
    reference_prefix: str = Field(default="HRC", pattern=r"^[A-Z]{2,8}$")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    page_size_default: int = Field(default=50, ge=1)
    page_size_max: int = Field(default=100, ge=1)

    # An OpenID Connect provider (e.g. Keycloak) whose RS256 tokens are accepted beside local ones.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = Field(default=None, pattern=r"^https?://")
    # The provider is on the city's own network (a private address): allowed, over https only.
    oidc_allow_private: bool = False
    oidc_roles_claim: str = "realm_access.roles"
    oidc_department_claim: str = "department"
    # The staff console's sign-in (the authorization code flow with PKCE): on when the client id
    # is set. A confidential client also has a secret (sent as client_secret_basic); a public
    # client signs in with PKCE alone.
    oidc_client_id: str | None = Field(default=None, min_length=1, max_length=255)
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = Field(default="openid profile email", max_length=1000)
    jwks_cache_seconds: int = Field(default=300, ge=1)
    jwks_timeout_seconds: float = Field(default=3.0, gt=0, le=30)
    jwks_max_bytes: int = Field(default=64 * 1024, ge=1024)
    jwks_refetch_interval_seconds: float = Field(default=10.0, ge=0)

    # Brakes on the public routes (app/ratelimit.py), shared by every process through PostgreSQL
    # (0: off). Filing, retaliation reports and receipt logins per client address (IPv6 by /64);
    # every write of a complainant or resident, and their uploads, per actor.
    rate_limit_intake_per_minute: int = Field(default=30, ge=0)
    rate_limit_receipt_per_minute: int = Field(default=10, ge=0)
    rate_limit_writes_per_minute: int = Field(default=60, ge=0)
    rate_limit_uploads_per_minute: int = Field(default=10, ge=0)
    # The reverse proxies whose X-Forwarded-For names the client (addresses or networks, comma
    # separated), or `none` when clients connect directly. Required in production: a proxy that is
    # not trusted makes the whole city one client for the rate limits.
    trusted_proxies: str | None = Field(default=None, max_length=2000)

    # What the server reads before a request reaches the app (app/server.py): the request line and
    # headers (431 beyond), the time to send them (408), and the time to send a body (408).
    max_header_bytes: int = Field(default=32 * 1024, ge=4096, le=1024 * 1024)
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    body_timeout_seconds: float = Field(default=120.0, gt=0, le=3600)

    # Attachments: stored outside the database, under attachments_dir (local storage).
    attachments_dir: Path = Field(default=Path("var/attachments"))
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=512 * 1024 * 1024)
    # What a complainant may attach to one case in all (staff and departments are not counted).
    attachment_max_files_per_case: int = Field(default=20, ge=1, le=10_000)
    attachment_max_total_bytes_per_case: int = Field(
        default=50 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024 * 1024
    )

    # Deadlines per track (EU Directive 2019/1937 art. 9: 7 days and 3 months).
    ombudsperson_acknowledge_days: int = Field(default=7, ge=1, le=90)
    ombudsperson_feedback_months: int = Field(default=3, ge=1, le=12)
    anti_corruption_acknowledge_days: int = Field(default=7, ge=1, le=7)
    anti_corruption_feedback_months: int = Field(default=3, ge=1, le=3)
    # Target for the decision (findings, inadmissibility or referral), from the acknowledgement.
    ombudsperson_decision_months: int = Field(default=6, ge=1, le=36)
    anti_corruption_decision_months: int = Field(default=6, ge=1, le=36)

    # Municipal departments complaints are about (a JSON list). Statistics and monitoring events
    # name a department only from this list: any other respondent counts as "other".
    departments: Annotated[list[str], NoDecode] = Field(default_factory=list, max_length=500)

    # The residents' pages (app/web): the office's name and how to reach it, as they show them;
    # a directory of templates that replace the shipped ones of the same name (a city's texts).
    office_name: str = Field(default="Human Rights Office", min_length=2, max_length=120)
    office_contact: str | None = Field(default=None, max_length=500)
    templates_dir: Path | None = None
    # A receipt login on the pages ends after this long, however active (the idle limit is
    # receipt_token_ttl_seconds).
    page_session_hours: int = Field(default=8, ge=1, le=24)
    # The office's console (app/web/console): a sign-in ends after this many minutes without
    # activity, and in any case after page_session_hours.
    console_idle_minutes: int = Field(default=30, ge=1, le=480)

    # Web origins whose pages may call the API from a browser (CORS), e.g. the city's own site
    # hosting its form: a JSON list of `https://host[:port]`. Empty: no cross-origin calls.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list, max_length=50)

    # Statistics for monitoring bodies: counts of 1..k-1 are never published (k >= 5).
    statistics_min_cell: int = Field(default=10, ge=5, le=1000)
    # Differential privacy (optional, per request): epsilon per release and per calendar month.
    dp_epsilon_per_month: float = Field(default=1.0, gt=0, le=100)
    dp_epsilon_max_per_release: float = Field(default=0.5, gt=0, le=100)

    # The monitoring module the worker pushes anonymized events to (Standard Webhooks).
    monitoring_url: str | None = Field(default=None, pattern=r"^https?://[^\s]+$")
    # `whsec_` + base64 of the key shared with the receiver.
    monitoring_secret: SecretStr | None = None
    # Loopback, private and link-local addresses are refused unless this is set (local use).
    monitoring_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    webhook_max_attempts: int = Field(default=12, ge=1, le=100)
    webhook_backoff_base_seconds: float = Field(default=5.0, gt=0, le=3600)
    webhook_backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0, le=7 * 86400)
    # The worker: how often it wakes, how much it takes at once, how long a claim holds.
    worker_interval_seconds: float = Field(default=1.0, gt=0, le=3600)
    worker_batch_size: int = Field(default=100, ge=1, le=10_000)
    worker_lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    worker_concurrency: int = Field(default=8, ge=1, le=64)
    # A closed month, quarter or year is released (and pushed) this many days after it ends, so
    # that late entries of the period are in; releases are readable without an account unless
    # the office turns that off. Delivered pushes are kept `outbox_keep_days`.
    statistics_release_lag_days: int = Field(default=10, ge=0, le=366)
    statistics_public: bool = True
    outbox_keep_days: int = Field(default=30, ge=1, le=3650)
    # Email notifications (app/notifications), sent by the worker. With no SMTP host, emails are
    # written to `mailbox_dir` instead (one file per email: development, a newcomer sees them).
    smtp_host: str | None = Field(default=None, max_length=255)
    smtp_port: int = Field(default=587, ge=1, le=65535)
    # `starttls` (port 587), `tls` (implicit TLS, port 465), or `none` (a local relay only).
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = Field(default=None, max_length=255)
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    mail_from: str = Field(default="ombuds@localhost", max_length=320)
    mailbox_dir: Path = Field(default=Path("var/mail"))
    # The address residents and staff reach the service at, for the links in emails.
    public_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://[^\s]+$")
    # Where a department's notifications go: a JSON object, department name -> list of addresses
    # (the names as in OMBUDS_DEPARTMENTS). A department with none is not emailed.
    department_emails: Annotated[dict[str, list[str]], NoDecode] = Field(default_factory=dict)
    notification_max_attempts: int = Field(default=10, ge=1, le=100)
    notification_backoff_base_seconds: float = Field(default=30.0, gt=0, le=3600)
    notification_backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0, le=7 * 86400)
    # Kinds of notification the office does not send at all (a JSON list; app.kit.notify.KINDS
    # and the README list them). Every kind is sent by default.
    notifications_off: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Staff and departments are reminded of a deadline this many days before it is due.
    reminder_days: int = Field(default=2, ge=1, le=30)
    # Heads of office get their digest of overdue deadlines once a day, from this hour (UTC).
    digest_hour_utc: int = Field(default=7, ge=0, le=23)
    # An open case nothing has changed on for this long is flagged for review (the deadlines view,
    # kind `stale_case`) and may be closed as stale, which gives it its retention date.
    stale_after_months: int = Field(default=12, ge=1, le=120)
    # How long a finished case is kept (GDPR art. 5(1)(e); Directive 2019/1937 art. 18), in years,
    # per track: "findings" for cases closed after findings, "other" for inadmissible, referred
    # and withdrawn ones. Then the purge removes it, unless a legal hold is set.
    retention_years: Annotated[dict[str, dict[str, int]], NoDecode] = Field(
        default_factory=lambda: {
            "ombudsperson": {"findings": 10, "other": 5},
            "anti_corruption": {"findings": 5, "other": 2},
        }
    )
    # Run the worker inside the API process (`ombuds serve --with-worker`, as `make run` does).
    embedded_worker: bool = False
    # GET /metrics answers only a bearer of this token; unset, it does not exist (404).
    metrics_token: SecretStr | None = None
    # The request lines carry the client address, truncated (`ombuds serve --access-log`).
    log_client_addresses: bool = False
    # The interactive docs (`/docs`, Swagger UI served from this origin) and `/openapi.json`: on
    # everywhere by default, the contract being public (openapi/openapi.json); off, both are 404.
    api_docs: bool = True

    _department_index: dict[str, str] = PrivateAttr(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Secrets may come from files (`<VARIABLE>_FILE`, `OMBUDS_SECRETS_DIR`)."""
        return init_settings, SecretFilesSource(settings_cls), env_settings, dotenv_settings

    @field_validator("*", mode="before")
    @classmethod
    def _file_problem(cls, value: Any) -> Any:
        """A secret whose file could not be used: one problem, named by its variable."""
        if isinstance(value, FileProblem):
            raise ValueError(value.message)
        return value

    @field_validator(
        "departments",
        "retention_years",
        "cors_origins",
        "department_emails",
        "notifications_off",
        mode="before",
    )
    @classmethod
    def _json(cls, value: Any) -> Any:
        """JSON from the environment, decoded here so a bad value is one problem among others."""
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("is not valid JSON") from None

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler: ModelWrapValidatorHandler[Settings]) -> Settings:
        """Validate, then name every problem at once: the fields', and those across fields."""
        problems = _secret_problems(data) if isinstance(data, dict) else []
        try:
            settings = handler(data)
        except ValidationError as exc:
            raise ValueError("\n".join([*field_problems(exc), *problems])) from None
        problems += settings._cross_field_problems()
        if problems:
            raise ValueError("\n".join(problems))
        return settings

    def _cross_field_problems(self) -> list[str]:
        problems: list[str] = self._proxy_problems() + self._cors_problems()
        problems += self._notification_problems()
        self._department_index = {name.strip().casefold(): name for name in self.departments}
        if self.monitoring_url is not None:
            from app.outbox.signing import webhook_key
            from app.outbox.target import check_url

            try:
                check_url(
                    self.monitoring_url,
                    allow_private=self.monitoring_allow_private,
                    development=self.environment == "development",
                )
            except ValueError as exc:
                problems.append(f"OMBUDS_MONITORING_URL: {exc}")
            if self.monitoring_secret is None:
                problems.append("OMBUDS_MONITORING_SECRET: needed with OMBUDS_MONITORING_URL")
            else:
                try:
                    webhook_key(self.monitoring_secret.get_secret_value())
                except ValueError as exc:
                    problems.append(f"OMBUDS_MONITORING_SECRET: {exc}")
        if self.dp_epsilon_max_per_release > self.dp_epsilon_per_month:
            problems.append(
                "OMBUDS_DP_EPSILON_MAX_PER_RELEASE: exceeds the monthly budget "
                "(OMBUDS_DP_EPSILON_PER_MONTH)"
            )
        for track in ("ombudsperson", "anti_corruption"):
            periods = self.retention_years.get(track, {})
            if set(periods) != {"findings", "other"} or not all(
                1 <= years <= 100 for years in periods.values()
            ):
                problems.append(
                    "OMBUDS_RETENTION_YEARS: needs, for each track, `findings` and `other`, "
                    "each 1 to 100 years"
                )
                break
        if (self.oidc_issuer is None) != (self.oidc_jwks_url is None):
            problems.append("OMBUDS_OIDC_ISSUER and OMBUDS_OIDC_JWKS_URL: set both or neither")
        if self.oidc_jwks_url is not None:
            from app.auth.jwks import jwks_target

            try:
                jwks_target(self.environment, self.oidc_allow_private).check_url(self.oidc_jwks_url)
            except ValueError as exc:
                problems.append(f"OMBUDS_OIDC_JWKS_URL: {exc}")
        problems += self._sign_in_problems()
        if self.page_size_default > self.page_size_max:
            problems.append("OMBUDS_PAGE_SIZE_DEFAULT: must not exceed OMBUDS_PAGE_SIZE_MAX")
        if self.db_pool_min > self.db_pool_max:
            problems.append("OMBUDS_DB_POOL_MIN: must not exceed OMBUDS_DB_POOL_MAX")
        if (
            self.metrics_token is not None
            and len(self.metrics_token.get_secret_value()) < MIN_SECRET_LENGTH
        ):
            problems.append(
                f"OMBUDS_METRICS_TOKEN: must be at least {MIN_SECRET_LENGTH} characters when set"
            )
        if self.migration_database_url and not self.database_url:
            problems.append(
                "OMBUDS_MIGRATION_DATABASE_URL: needs DATABASE_URL (the service's role)"
            )
        return problems

    def _sign_in_problems(self) -> list[str]:
        """The console's sign-in needs the provider (its issuer, where its discovery document
        is, and its keys), reached under the JWKS's rules."""
        if self.oidc_client_id is None:
            if self.oidc_client_secret is not None:
                return ["OMBUDS_OIDC_CLIENT_SECRET: needs OMBUDS_OIDC_CLIENT_ID"]
            return []
        problems: list[str] = []
        if self.oidc_issuer is None or self.oidc_jwks_url is None:
            problems.append(
                "OMBUDS_OIDC_CLIENT_ID: needs OMBUDS_OIDC_ISSUER and OMBUDS_OIDC_JWKS_URL"
            )
        if self.oidc_issuer is not None:
            from dataclasses import replace

            from app.auth.jwks import jwks_target

            # The discovery document is fetched from under the issuer, as the keys are.
            target = replace(jwks_target(self.environment, self.oidc_allow_private), name="issuer")
            try:
                target.check_url(self.oidc_issuer)
            except ValueError as exc:
                problems.append(f"OMBUDS_OIDC_ISSUER: {exc}")
        if "openid" not in self.oidc_scopes.split():
            problems.append("OMBUDS_OIDC_SCOPES: must include openid")
        return problems

    def _cors_problems(self) -> list[str]:
        for origin in self.cors_origins:
            if origin == "*" or not _ORIGIN.fullmatch(origin):
                return [
                    f"OMBUDS_CORS_ORIGINS: {origin!r} is not an origin like https://city.example"
                ]
            if origin.startswith("http://") and self.environment != "development":
                return [f"OMBUDS_CORS_ORIGINS: {origin!r} must be https outside development"]
        return []

    def _proxy_problems(self) -> list[str]:
        if self.trusted_proxies is None:
            if self.environment == "production":
                return [
                    "OMBUDS_TRUSTED_PROXIES: must be set in production: the reverse proxy's "
                    "addresses, or `none` when clients connect directly"
                ]
            return []
        if self.trusted_proxies.strip() == "*" and self.environment != "development":
            return ["OMBUDS_TRUSTED_PROXIES: `*` lets any client choose its address"]
        if self.trusted_proxies.strip().lower() == "none":
            return []
        for part in self.trusted_proxies.split(","):
            try:
                ipaddress.ip_network(part.strip(), strict=False)
            except ValueError:
                if part.strip() != "*":
                    return [f"OMBUDS_TRUSTED_PROXIES: {part.strip()!r} is not an address"]
        return []

    def forwarded_allow_ips(self) -> str:
        """What uvicorn trusts: the setting, else uvicorn's own FORWARDED_ALLOW_IPS, else only
        a proxy on this machine."""
        if self.trusted_proxies is None:
            return os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
        proxies = self.trusted_proxies.strip()
        return "" if proxies.lower() == "none" else proxies

    def audit_cutoff(self, now: datetime) -> datetime:
        """Audit entries older than this are past the longest retention of any case."""
        years = max(y for periods in self.retention_years.values() for y in periods.values())
        try:
            return now.replace(year=now.year - years)
        except ValueError:  # 29 February
            return now.replace(year=now.year - years, day=28)

    def retention_for(self, track: str, findings: bool) -> int:
        return self.retention_years[track]["findings" if findings else "other"]

    def _notification_problems(self) -> list[str]:
        from app.kit.notify import KINDS

        unknown = sorted(set(self.notifications_off) - set(KINDS))
        if not unknown:
            return []
        return [
            f"OMBUDS_NOTIFICATIONS_OFF: unknown kind {', '.join(unknown)}; "
            f"the kinds are {', '.join(KINDS)}"
        ]

    def tells(self, kind: str) -> bool:
        """Whether the office sends notifications of this kind at all."""
        return kind not in self.notifications_off

    def department_of(self, respondent: str | None) -> str | None:
        """The configured department a respondent names, or None."""
        if respondent is None:
            return None
        return self._department_index.get(respondent.strip().casefold())

    def identity_keyring(self) -> tuple[str, dict[str, bytes]]:
        """(the key id that seals, every key id -> 32-byte key)."""
        return parse_keyring(self.identity_keys.get_secret_value())

    def decision_months(self, track: str) -> int:
        return int(getattr(self, f"{track}_decision_months"))

    def deadlines(self, track: str) -> tuple[int, int]:
        """(acknowledge days, feedback months) for a track."""
        return (
            getattr(self, f"{track}_acknowledge_days"),
            getattr(self, f"{track}_feedback_months"),
        )


# An origin as browsers send it: scheme, host and perhaps a port; no path, no trailing slash.
_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?", re.IGNORECASE)


def _plain(value: object) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def parse_keyring(text: str) -> tuple[str, dict[str, bytes]]:
    """`kid:base64;kid2:base64` -> (the first key id, every key id -> 32-byte key)."""
    keys: dict[str, bytes] = {}
    for number, part in enumerate(text.split(";"), start=1):
        kid, _, encoded = part.strip().partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ValueError(f"key number {number} is not base64") from None
        if not kid or len(key) != 32:
            raise ValueError("each key is `kid:base64` of 32 bytes")
        keys[kid] = key
    return next(iter(keys)), keys


def _secret_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with the secrets as given (raw input, so even when other fields fail)."""
    problems: list[str] = []
    # A secret whose file could not be used is named once, by the field's own validation.
    unreadable = {name for name, value in data.items() if isinstance(value, FileProblem)}
    keys: dict[str, bytes] = {}
    try:
        if "identity_keys" not in unreadable:
            _, keys = parse_keyring(_plain(data.get("identity_keys", DEVELOPMENT_IDENTITY_KEYS)))
    except ValueError as exc:
        problems.append(f"OMBUDS_IDENTITY_KEYS: {exc}")
    if _plain(data.get("environment", "development")) == "development":
        return problems
    strong = []
    for name in _SECRETS:
        if name in unreadable:
            continue
        value = _plain(data.get(name, DEVELOPMENT_SECRET))
        if value.startswith(DEVELOPMENT_SECRET) or len(value) < MIN_SECRET_LENGTH:
            problems.append(
                f"OMBUDS_{name.upper()}: must be set to a secret of at least "
                f"{MIN_SECRET_LENGTH} characters outside development"
            )
        else:
            strong.append(value)
    if len(set(strong)) != len(strong):
        problems.append(
            "OMBUDS_JWT_SECRET, OMBUDS_RECEIPT_KEY and OMBUDS_AUDIT_KEY: must all differ"
        )
    if _DEVELOPMENT_IDENTITY_KEY in keys.values():
        problems.append("OMBUDS_IDENTITY_KEYS: must be set outside development")
    return problems


def env_name(field: str) -> str:
    """The environment variable that sets a field."""
    if field == "DATABASE_URL" or field == "database_url":
        return "DATABASE_URL"
    return field if field.startswith("OMBUDS_") else f"OMBUDS_{field.upper()}"


def field_problems(exc: ValidationError) -> list[str]:
    """One line per invalid field, naming its variable and never its value."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        location = error["loc"]
        if not location:  # a problem across fields, already phrased by the model
            problems.extend(str(error["msg"]).removeprefix("Value error, ").splitlines())
            continue
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{env_name(str(location[0]))}: {message}")
    return problems


class ConfigurationError(SystemExit):
    """The settings are not usable: exits non-zero with one message naming every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"ombuds: the configuration is not valid:\n{lines}")


def load_settings() -> Settings:
    """The settings from the environment, or a ConfigurationError naming every problem."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigurationError(field_problems(exc)) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
