"""Settings for each environment, read from environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
Number = TypeVar("Number", int, float)
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production

# Settings that could not be read from the environment: create_app refuses to start with them.
_problems: list[str] = []


class StartupError(RuntimeError):
    """asb cannot start; the message says why, in one line an operator can act on."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_number(name: str, default: Number) -> Number:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return type(default)(value)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        _problems.append(f"{name} must be {kind}, not {value!r}")
        return default


def _env_positive_number(name: str, default: Number) -> Number:
    """A number setting that only makes sense above zero (a duration, a count)."""
    value = _env_number(name, default)
    if value <= 0:
        _problems.append(f"{name} must be more than 0, not {os.environ[name]!r}")
        return default
    return value


def _env_path(name: str, default: str) -> str:
    """A file named by the environment, or one packaged with asb (relative to this folder)."""
    return os.environ.get(name) or str(BASE_DIR / default)


def check_environment() -> None:
    if _problems:
        raise StartupError("; ".join(_problems))


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (postgres:// or postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'asb.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Sessions: signed cookie carrying the user's session generation, so the server can end
    # every session of a user (sign-out, password change, deactivation).
    SESSION_COOKIE_NAME = "asb_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=_env_number("ASB_SESSION_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=_env_number("ASB_SESSION_ABSOLUTE_HOURS", 10))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_LIFETIME
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # Sign-in limits (asb/auth/services.py). The attempt that makes LOCK_AFTER failures in a
    # row locks the account for LOCK_MINUTES. Besides, at most so many failed attempts per
    # address (password spraying; high enough for an office behind one address) and per email
    # address, whether it has an account or not, in LIMIT_MINUTES; then 429 until it passes.
    LOGIN_LOCK_AFTER = 8
    LOGIN_LOCK_MINUTES = 15
    SIGN_IN_LIMIT_PER_ADDRESS = 30
    SIGN_IN_LIMIT_PER_ACCOUNT = 10
    SIGN_IN_LIMIT_MINUTES = 15
    # Reports from the public (/report): at most so many sent from one address in so many
    # minutes (a household or office shares an address); then 429 until the window passes.
    PUBLIC_REPORT_LIMIT_PER_ADDRESS = 10
    PUBLIC_REPORT_LIMIT_MINUTES = 60
    # How many reverse proxies in front of asb add X-Forwarded-For: the client's address is
    # read from it only when set, since a client can write the header itself.
    ASB_TRUSTED_PROXIES = _env_number("ASB_TRUSTED_PROXIES", 0)
    PASSWORD_MIN_LENGTH = 12
    # Two-factor sign-in (asb/auth/two_factor.py): how long a right password waits for its
    # code (or for enrolment, for a role that requires two factors) before signing in again.
    TWO_FACTOR_STEP_MINUTES = 10

    WTF_CSRF_TIME_LIMIT = None  # the session lifetime already bounds the token
    SECURITY_HSTS = False
    # Refuse to serve (or run a command other than `flask db`) on a database behind the code.
    ASB_REQUIRE_MIGRATED = False

    # The area incidents must fall in, and the wards that divide it.
    ASB_AREA_NAME = os.environ.get("ASB_AREA_NAME", "the City of London")
    ASB_AREA_BOUNDARY = os.environ.get(
        "ASB_AREA_BOUNDARY", str(BASE_DIR / "asb" / "geo" / "data" / "city_boundary.geojson")
    )
    ASB_WARD_BOUNDARIES = os.environ.get(
        "ASB_WARD_BOUNDARIES", str(BASE_DIR / "asb" / "geo" / "data" / "city_wards.geojson")
    )
    # The ONS boundaries are generalised (about 20 m), so a point this close to the area
    # still counts as inside and takes the nearest ward.
    ASB_AREA_TOLERANCE_METRES = _env_number("ASB_AREA_TOLERANCE_METRES", 40.0)
    MAP_TILE_URL = os.environ.get(
        "ASB_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    )
    MAP_TILE_ATTRIBUTION = os.environ.get(
        "ASB_MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
    )

    # The address people use to reach asb, for links in emails sent outside a request.
    ASB_BASE_URL = os.environ.get("ASB_BASE_URL", "http://127.0.0.1:5000")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_number("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "asb@cityoflondon.gov.uk")

    CASE_DEFAULT_REVIEW_DAYS = 28
    # The partnership's settings files (asb/settings.py reads each once, at start-up).
    ASB_RISK_MATRIX = _env_path("ASB_RISK_MATRIX", "asb/cases/config/risk_matrix.json")
    ASB_RESPONSE_TARGETS = _env_path(
        "ASB_RESPONSE_TARGETS", "asb/cases/config/response_targets.json"
    )
    ASB_BANK_HOLIDAYS = _env_path("ASB_BANK_HOLIDAYS", "asb/cases/config/bank_holidays.json")
    ASB_INTERVENTION_RULES = _env_path(
        "ASB_INTERVENTION_RULES", "asb/interventions/config/interventions.json"
    )
    ASB_CASE_REVIEW_CONFIG = _env_path(
        "ASB_CASE_REVIEW_CONFIG", "asb/case_reviews/config/case_review.json"
    )
    ASB_WARD_POPULATION = _env_path("ASB_WARD_POPULATION", "asb/maps/config/ward_population.json")
    ASB_RETENTION_SCHEDULE = _env_path(
        "ASB_RETENTION_SCHEDULE", "asb/retention/config/retention.json"
    )
    ASB_RECORD_OF_PROCESSING = _env_path(
        "ASB_RECORD_OF_PROCESSING", "asb/processing/config/record_of_processing.json"
    )
    ASB_DUPLICATE_RULES = _env_path("ASB_DUPLICATE_RULES", "asb/incidents/config/duplicates.json")
    DOCUMENT_MAX_BYTES = _env_number("ASB_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
    DOCUMENT_STORAGE_DIR = os.environ.get("ASB_DOCUMENT_STORAGE_DIR")  # unset: instance/documents
    MAX_CONTENT_LENGTH = DOCUMENT_MAX_BYTES + 1024 * 1024
    REPEAT_VICTIM_THRESHOLD = _env_number("ASB_REPEAT_VICTIM_THRESHOLD", 3)
    REPEAT_VICTIM_WINDOW_DAYS = _env_number("ASB_REPEAT_VICTIM_WINDOW_DAYS", 182)

    MAP_POINTS_CAP = _env_number("ASB_MAP_POINTS_CAP", 2000)
    # How long emergency ("break glass") access to a restricted record lasts.
    ASB_EMERGENCY_ACCESS_HOURS = _env_positive_number("ASB_EMERGENCY_ACCESS_HOURS", 24)

    INCIDENTS_PER_PAGE = 25
    # "Page x of N" needs a count; counting past this many rows costs more than the page.
    INCIDENT_COUNT_CAP = 10_000
    # The REST API (asb/api): page sizes, the longest a personal token may last, the largest
    # request body, how recent a sign-in must be to create a token, and rate limits per token
    # and per client address (requests a minute, counted across every worker).
    API_PER_PAGE_DEFAULT = 25
    API_PER_PAGE_MAX = 100
    API_TOKEN_MAX_DAYS = 365
    API_MAX_BODY_BYTES = _env_number("ASB_API_MAX_BODY_BYTES", 64 * 1024)
    API_TOKEN_SIGN_IN_MINUTES = 15
    API_RATE_LIMIT_PER_TOKEN = _env_number("ASB_API_RATE_LIMIT_PER_TOKEN", 600)
    API_RATE_LIMIT_PER_ADDRESS = _env_number("ASB_API_RATE_LIMIT_PER_ADDRESS", 1200)
    # Open311 (asb/open311): the largest POST body, and requests a minute per client address
    # (every call) and per sending organisation's api_key (POSTs), across every worker.
    OPEN311_MAX_BODY_BYTES = _env_number("ASB_OPEN311_MAX_BODY_BYTES", 64 * 1024)
    OPEN311_RATE_LIMIT_PER_ADDRESS = _env_number("ASB_OPEN311_RATE_LIMIT_PER_ADDRESS", 600)
    OPEN311_RATE_LIMIT_PER_KEY = _env_number("ASB_OPEN311_RATE_LIMIT_PER_KEY", 120)
    DEMO_PASSWORD = os.environ.get("ASB_DEMO_PASSWORD", "demo-password-2026")
    # Demo accounts with published authenticator secrets (asb/demo/): never in production.
    DEMO_ACCOUNTS_ALLOWED = True


class DevelopmentConfig(Config):
    pass


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'asb-test.sqlite3'}"
    )
    WTF_CSRF_ENABLED = False
    SERVER_NAME = "localhost"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-asb_session"
    SECURITY_HSTS = True
    ASB_REQUIRE_MIGRATED = True
    DEMO_ACCOUNTS_ALLOWED = False

    @classmethod
    def check(cls) -> None:
        """Refuse to start without real secrets: a default key would let anyone forge sessions."""
        # Read the environment here, not Config.SECRET_KEY: that came from the same variable
        # (or the development default, which is shorter than 32 characters).
        secret = os.environ.get("SECRET_KEY", "")
        if len(secret) < 32:
            raise StartupError(
                "SECRET_KEY is missing or too short: set SECRET_KEY to a random value of at "
                "least 32 characters (for example: python -c 'import secrets; "
                "print(secrets.token_hex(32))')."
            )
        if not os.environ.get("DATABASE_URL"):
            raise StartupError(
                "DATABASE_URL is missing: set it to the PostgreSQL URL, for example "
                "postgresql://asb@db.internal/asb."
            )
        url = database_url(os.environ["DATABASE_URL"])
        try:
            make_url(url).get_dialect().import_dbapi()
        except (ArgumentError, ImportError) as error:  # NoSuchModuleError is an ArgumentError
            raise StartupError(
                f"DATABASE_URL is not a database asb can use ({error}): set it to the "
                "PostgreSQL URL, for example postgresql://asb@db.internal/asb."
            ) from error
        cls.SECRET_KEY = secret
        cls.SQLALCHEMY_DATABASE_URI = url


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}
