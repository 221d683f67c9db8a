"""Settings: one class, read from the environment (TANTOU_*) and `.env`."""

from enum import StrEnum
from functools import cached_property
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-change-me-0000"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every setting of Tantou; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_prefix="TANTOU_", env_file=".env", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    database_url: str | None = None
    data_dir: Path = Path("var")
    secret_key: str = Field(default=DEVELOPMENT_SECRET_KEY, min_length=32)
    access_token_minutes: int = Field(default=12 * 60, ge=5)

    rate_limits: bool = True
    rate_limit_per_minute: int = Field(default=600, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)

    max_photos_per_report: int = Field(default=6, ge=1)
    max_photo_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_request_bytes: int = Field(default=130 * 1024 * 1024, ge=1024)
    max_photo_pixels: int = Field(default=50_000_000, ge=1_000_000)

    nearby_radius_m: float = Field(default=100.0, gt=0)
    nearby_days: int = Field(default=7, ge=1)
    unassigned_max_distance_m: float = Field(default=5_000.0, gt=0)

    work_calendar: str = "{}"
    overdue_check_seconds: int = Field(default=60, ge=1)
    escalation_grace_hours: float = Field(default=24.0, ge=0)

    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_retry_first_seconds: float = Field(default=1.0, gt=0)
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0)
    webhook_give_up_hours: float = Field(default=24.0, gt=0)
    webhook_poll_seconds: float = Field(default=5.0, gt=0)

    @field_validator("work_calendar")
    @classmethod
    def _parse_work_calendar(cls, value: str) -> str:
        # Refuse a bad calendar at start-up rather than at the first dispatch.
        from app.cases.calendar import WorkCalendar

        WorkCalendar.from_setting(value)
        return value

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> "Settings":
        if self.env is not Environment.DEVELOPMENT and self.secret_key == DEVELOPMENT_SECRET_KEY:
            raise ValueError("TANTOU_SECRET_KEY must be set to a secret of 32+ characters")
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tantou.db').resolve()}"

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")
