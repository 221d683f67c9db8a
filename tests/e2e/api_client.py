"""The tests' own HTTP client: acting as coordinator, unit or admin, and reading the server."""

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.demo.seed import DEMO_PASSWORD
from app.riders.privacy_notice import CURRENT_NOTICE

# Demo accounts (app.demo.seed): the coordinator owns the first town, 府城镇.
COORDINATOR = "coordinator"
ADMIN = "admin"
DEMO_RIDER = "13800000001"
TOWN_COMMUNITY = "341126100001"  # 东华社区, in the coordinator's town
UNIT = "unit"  # the demo's property company of 东华社区
UNIT_CODE = f"{TOWN_COMMUNITY}-property"
GRID_LON_LAT = (117.5325, 32.854)  # inside grid 341126100001001 (凤凰熙岸小区网格)
RIDER_PASSWORD = "rider-password-2026"
_phone_numbers = itertools.count(1)


@dataclass(frozen=True)
class Rider:
    phone: str
    id: int


@dataclass
class ApiClient:
    base_url: str
    _tokens: dict[str, str] = field(default_factory=dict)

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        """A bearer token for the account (cached)."""
        if username not in self._tokens:
            response = httpx.post(
                f"{self.base_url}/api/v1/auth/token",
                data={"username": username, "password": password},
                timeout=10,
            )
            response.raise_for_status()
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def call(
        self, method: str, path: str, *, as_user: str, password: str = DEMO_PASSWORD, **kwargs: Any
    ) -> Any:
        """Call /api/v1 as `as_user`; fails the test on an error status."""
        headers = {"Authorization": f"Bearer {self.token(as_user, password)}"}
        response = httpx.request(
            method, f"{self.base_url}/api/v1{path}", headers=headers, timeout=30, **kwargs
        )
        assert response.status_code < 400, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        return response.json()

    def register_rider(self, phone: str, name: str = "李骑手", team_id: int | None = None) -> int:
        """A pending rider in the coordinator's town, registered straight through the API."""
        response = httpx.post(
            f"{self.base_url}/api/v1/riders",
            json={
                "phone": phone,
                "name": name,
                "password": RIDER_PASSWORD,
                "platform": "eleme",
                "party_member": False,
                "community_code": TOWN_COMMUNITY,
                "team_id": team_id,
                "privacy_consent_version": CURRENT_NOTICE.version,
            },
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def approve_rider(self, rider_id: int) -> None:
        """报到备案 approved by the demo coordinator."""
        self.call("POST", f"/riders/{rider_id}/approve", as_user=COORDINATOR)

    def active_rider(self) -> "Rider":
        """A new approved rider (password RIDER_PASSWORD)."""
        phone = new_phone()
        rider_id = self.register_rider(phone)
        self.approve_rider(rider_id)
        return Rider(phone=phone, id=rider_id)

    def as_rider(self, rider: "Rider", method: str, path: str, **kwargs: Any) -> Any:
        """Call /api/v1 as a test rider."""
        return self.call(method, path, as_user=rider.phone, password=RIDER_PASSWORD, **kwargs)

    def report_as(self, rider: "Rider", photo: bytes, category: str = "0102") -> dict[str, Any]:
        """A report made straight through the API at the demo grid point (not through the app)."""
        lon, lat = GRID_LON_LAT
        return dict(
            self.as_rider(
                rider,
                "POST",
                "/reports",
                data={"category": category, "lat": lat, "lon": lon, "client_id": str(uuid.uuid4())},
                files=[("photo", ("photo.jpg", photo, "image/jpeg"))],
            )
        )

    def reports_of(self, rider: "Rider") -> list[dict[str, Any]]:
        """Every report the rider can see, newest first."""
        return list(self.as_rider(rider, "GET", "/reports", params={"limit": 100})["items"])


def new_phone() -> str:
    """A mainland mobile number no other test uses."""
    return f"139{next(_phone_numbers):08d}"
