"""Settings: one class, read from the environment (TANTOU_*) and `.env`."""

import re
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.calendar import WorkCalendar
from app.core.secret_key import MIN_SECRET_KEY_LENGTH, load_or_create_secret_key
from app.core.vapid import check_private_key

# s3://BUCKET or s3://BUCKET/PREFIX: a bucket name as S3 allows it, a prefix without "//".
S3_STORE_URL = re.compile(
    r"s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(?P<prefix>[^/]+(?:/[^/]+)*))?/?"
)

# Keys that were once written in Tantou's source: anyone can sign with them, so none is accepted.
PUBLISHED_SECRET_KEYS = frozenset({"development-only-secret-key-change-me-0000"})


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
    # Empty: the key kept in the data dir (made on first start); see app/core/secret_key.py.
    secret_key: str = ""
    access_token_minutes: int = Field(default=12 * 60, ge=5)

    rate_limits: bool = True
    rate_limit_per_minute: int = Field(default=600, ge=1)
    # Login slowing (app/accounts/login_throttle.py): the longest one (username, address) pair
    # waits, how long failures count, and the wait of an address that sprays usernames.
    login_delay_cap_seconds: int = Field(default=15 * 60, ge=1)
    login_failure_window_minutes: int = Field(default=24 * 60, ge=1)
    login_address_free_failures: int = Field(default=20, ge=1)
    login_address_delay_seconds: int = Field(default=3, ge=1)
    # A bearer token that lets a scraper read /metrics (admins' login tokens work too). Empty:
    # admins only.
    metrics_token: str = ""
    # Peers whose X-Forwarded-For is believed: IPs or CIDRs, comma-separated. Empty: none.
    trusted_proxies: str = ""

    registrations_per_hour: int = Field(default=20, ge=1)  # rider registrations per address
    max_streams_per_account: int = Field(default=5, ge=1)  # open report streams, per process

    max_photos_per_report: int = Field(default=6, ge=1)
    max_photo_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_request_bytes: int = Field(default=130 * 1024 * 1024, ge=1024)
    max_photo_pixels: int = Field(default=50_000_000, ge=1_000_000)
    # PNG, WebP and HEIF decode at full size (no DCT scaling), so they get a lower limit.
    max_full_decode_pixels: int = Field(default=25_000_000, ge=1_000_000)
    # Pixels decoded for one request, summed over its photos (JPEG counted at its reduced scale).
    max_request_pixels: int = Field(default=100_000_000, ge=1_000_000)
    # Worker processes for image work (0: one per core), requests that may wait for one, and
    # photos a worker handles before it is replaced (returning whatever memory it kept).
    image_workers: int = Field(default=0, ge=0)
    image_queue: int = Field(default=8, ge=0)
    image_tasks_per_worker: int = Field(default=200, ge=1)
    image_retry_after_seconds: int = Field(default=2, ge=1)
    # Where photos live: "file" (under the data dir) or s3://BUCKET/PREFIX (app.photos.s3_store),
    # with the endpoint of an S3-compatible service (empty: AWS) and the usual AWS_* credentials.
    photo_store: str = "file"
    s3_endpoint_url: str = ""
    # "auto": by path with an endpoint of one's own (MinIO), by virtual host on AWS; Aliyun OSS
    # and Tencent COS want "virtual".
    s3_addressing_style: Literal["auto", "path", "virtual"] = "auto"
    aws_access_key_id: str = Field(default="", validation_alias="AWS_ACCESS_KEY_ID")
    aws_secret_access_key: SecretStr = Field(
        default=SecretStr(""), validation_alias="AWS_SECRET_ACCESS_KEY"
    )
    aws_region: str = Field(default="", validation_alias="AWS_REGION")
    # How a photo link is answered: "app" sends the bytes; "signed_url" (object store only)
    # redirects to a short-lived signed URL of the store, so the bytes bypass the app.
    photo_delivery: Literal["app", "signed_url"] = "app"
    # The photo sweep: seconds between runs, and how old a staged or unreferenced file must be.
    photo_sweep_seconds: int = Field(default=3600, ge=1)
    photo_sweep_grace_minutes: float = Field(default=60.0, ge=0)

    nearby_radius_m: float = Field(default=100.0, gt=0)
    nearby_days: int = Field(default=7, ge=1)
    unassigned_max_distance_m: float = Field(default=5_000.0, gt=0)
    # Open311 clients may name a photo by URL; only public addresses are fetched unless this is on.
    media_fetch_allow_private: bool = False

    # Map tiles: a URL template ({z}/{x}/{y}, {s} for a subdomain); empty draws grids and points
    # on a plain background. The datum the tiles are drawn in: wgs84 (天地图, OpenStreetMap) or
    # gcj02 (AMap, Tencent), which shifts every point and polygon for display.
    map_tile_url: str = ""
    map_tile_crs: Literal["wgs84", "gcj02"] = "wgs84"
    map_tile_attribution: str = ""
    map_tile_subdomains: str = "abc"

    # Days a recorded report (phone, WeChat, message) keeps its caller's name and phone.
    caller_phone_retention_days: int = Field(default=180, ge=1)
    # Days the sealed unredacted original of a redacted photo is kept (for audited reveals).
    original_retention_days: int = Field(default=30, ge=1)
    # A redaction (both detectors, one photo) that takes longer has hung: its worker is stopped.
    redaction_timeout_seconds: float = Field(default=60.0, gt=0)

    work_calendar: str = "{}"
    overdue_check_seconds: int = Field(default=60, ge=1)
    escalation_grace_hours: float = Field(default=24.0, ge=0)

    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_retry_first_seconds: float = Field(default=1.0, gt=0)
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0)
    webhook_give_up_hours: float = Field(default=24.0, gt=0)
    webhook_poll_seconds: float = Field(default=5.0, gt=0)
    # Web Push (app/push). Empty key: made on first use and kept in the data dir
    # (app/core/vapid.py). The subject is the operator's contact that push services may use.
    vapid_private_key: str = ""
    vapid_subject: str = "mailto:webpush@tantou.invalid"  # a placeholder: set your own
    push_allow_private: bool = False
    push_retry_first_seconds: float = Field(default=30.0, gt=0)
    push_retry_max_seconds: float = Field(default=3600.0, gt=0)
    push_give_up_hours: float = Field(default=24.0, gt=0)
    push_poll_seconds: float = Field(default=5.0, gt=0)
    # The WeChat subscription-message sender (app/push/wechat.py): empty means none.
    wechat_sender_url: str = ""
    wechat_sender_secret: str = ""
    # Background jobs run in one process of all (app/core/leases.py): a crashed holder's job is
    # taken over within this many seconds.
    job_lease_seconds: float = Field(default=30.0, gt=0)

    @field_validator("work_calendar")
    @classmethod
    def _parse_work_calendar(cls, value: str) -> str:
        # Refuse a bad calendar at start-up rather than at the first dispatch.
        WorkCalendar.from_setting(value)
        return value

    @field_validator("map_tile_url")
    @classmethod
    def _check_map_tile_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("TANTOU_MAP_TILE_URL must be an http(s) URL template")
        return value

    @field_validator("photo_store")
    @classmethod
    def _check_photo_store(cls, value: str) -> str:
        if value != "file" and not S3_STORE_URL.fullmatch(value):
            raise ValueError("TANTOU_PHOTO_STORE must be file or s3://BUCKET/PREFIX")
        return value

    @model_validator(mode="after")
    def _check_photo_delivery(self) -> "Settings":
        if self.photo_delivery == "signed_url" and self.photo_store == "file":
            raise ValueError("TANTOU_PHOTO_DELIVERY=signed_url needs an s3:// TANTOU_PHOTO_STORE")
        return self

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: str) -> str:
        if value and len(value) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"TANTOU_METRICS_TOKEN must be {MIN_SECRET_KEY_LENGTH}+ characters")
        return value

    @model_validator(mode="after")
    def _resolve_secret_key(self) -> "Settings":
        # Resolved here, so that `tantou serve` has the key before any worker starts.
        if not self.secret_key:
            self.secret_key = load_or_create_secret_key(self.data_dir)
        elif self.secret_key in PUBLISHED_SECRET_KEYS:
            raise ValueError("TANTOU_SECRET_KEY is a published key; set a secret of your own")
        elif len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"TANTOU_SECRET_KEY must be {MIN_SECRET_KEY_LENGTH}+ characters")
        return self

    @field_validator("vapid_subject")
    @classmethod
    def _check_vapid_subject(cls, value: str) -> str:
        if not value.startswith(("mailto:", "https://")):
            raise ValueError("TANTOU_VAPID_SUBJECT must be a mailto: or https:// contact")
        return value

    @field_validator("wechat_sender_url")
    @classmethod
    def _check_wechat_sender_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("TANTOU_WECHAT_SENDER_URL must be an http(s) URL")
        return value

    @field_validator("vapid_private_key")
    @classmethod
    def _check_vapid_private_key(cls, value: str) -> str:
        # Empty: made when the app first needs it (app/push/keys.py), not by every command (a
        # restore needs an empty data dir).
        return check_private_key(value) if value else value

    @model_validator(mode="after")
    def _check_wechat_sender_secret(self) -> "Settings":
        # The sender checks each request's signature, so a sender needs a real secret.
        if self.wechat_sender_url and len(self.wechat_sender_secret) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"TANTOU_WECHAT_SENDER_SECRET must be {MIN_SECRET_KEY_LENGTH}+ characters"
            )
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tantou.db').resolve()}"

    @property
    def photo_dir(self) -> Path:
        """Where the file store keeps the served copies."""
        return self.data_dir / "photos"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")
