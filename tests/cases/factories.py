"""Plain factories for case-workflow tests: the people, reports inserted directly, and API steps."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Account, AccountArea, AccountStatus, Role
from app.core.config import Settings
from app.core.security import hash_password, issue_token
from app.figures.rollup import count_report
from app.grids.service import grid_by_code
from app.reports.models import Channel, Report
from app.reports.states import ReportStatus
from app.reports.workflow import record_event
from app.units.models import Unit, UnitType
from tests.factories import COMMUNITY, GRID, GRID_POINT, OTHER_COMMUNITY, PASSWORD, TOWN, make_unit
from tests.photos.factories import make_jpeg

GARBAGE = "0102"  # 暴露垃圾: 4 working hours
GAS_LEAK = "0403"  # 燃气管道破裂: an emergency, 1 wall-clock hour
OTHER_GRID = OTHER_COMMUNITY + "001"  # a grid of OTHER_COMMUNITY, in the other town
JSON = dict[str, Any]


@cache
def _password_hash() -> str:
    # One argon2 hash for every test account: hashing takes a tenth of a second each time.
    return hash_password(PASSWORD)


@dataclass(frozen=True)
class Person:
    """An account and the headers that authenticate as it."""

    id: int
    username: str
    headers: dict[str, str]


class People:
    """Everyone a case test needs, each created on first use."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self._session = session
        self._settings = settings

    @cached_property
    def coordinator(self) -> Person:
        """Owns COMMUNITY, where GRID lies."""
        return self._person(Role.COORDINATOR, "coordinator", areas=(COMMUNITY,))

    @cached_property
    def grid_coordinator(self) -> Person:
        """Owns only GRID."""
        return self._person(Role.COORDINATOR, "grid-coordinator", areas=(GRID,))

    @cached_property
    def other_coordinator(self) -> Person:
        """Owns OTHER_COMMUNITY, in the other town."""
        return self._person(Role.COORDINATOR, "other-coordinator", areas=(OTHER_COMMUNITY,))

    @cached_property
    def street_coordinator(self) -> Person:
        """Owns TOWN, the street (镇) above COMMUNITY."""
        return self._person(Role.COORDINATOR, "street-coordinator", areas=(TOWN,))

    @cached_property
    def admin(self) -> Person:
        return self._person(Role.ADMIN, "admin")

    @cached_property
    def rider(self) -> Person:
        return self._person(Role.RIDER, "13800000001")

    @cached_property
    def other_rider(self) -> Person:
        return self._person(Role.RIDER, "13800000002")

    @cached_property
    def property_unit(self) -> Person:
        """The property company (物业) of COMMUNITY."""
        return self._unit_person("wy-donghua", UnitType.PROPERTY, COMMUNITY)

    @cached_property
    def law_unit(self) -> Person:
        """The law-enforcement team (城管执法) working in COMMUNITY."""
        return self._unit_person("zf-fucheng", UnitType.LAW_ENFORCEMENT, COMMUNITY)

    @cached_property
    def street_office_unit(self) -> Person:
        """The street office (街道) unit registered in COMMUNITY."""
        return self._unit_person("jd-fucheng", UnitType.STREET_OFFICE, COMMUNITY)

    @cached_property
    def other_unit(self) -> Person:
        """A property company of OTHER_COMMUNITY."""
        return self._unit_person("wy-huaihe", UnitType.PROPERTY, OTHER_COMMUNITY)

    def _unit_person(self, code: str, type_: UnitType, community: str) -> Person:
        unit = make_unit(self._session, code, community=community, type_=type_)
        return self._person(Role.UNIT, f"unit-{code}", unit=unit)

    def _person(
        self, role: Role, username: str, *, areas: tuple[str, ...] = (), unit: Unit | None = None
    ) -> Person:
        account = Account(
            username=username,
            password_hash=_password_hash(),
            role=role,
            status=AccountStatus.ACTIVE,
            display_name=username,
            unit_id=unit.id if unit else None,
        )
        self._session.add(account)
        self._session.flush()
        assert account.id is not None
        for code in areas:
            self._session.add(AccountArea(account_id=account.id, area_code=code))
        self._session.commit()
        token = issue_token(
            account.id, secret_key=self._settings.secret_key, lifetime=timedelta(hours=2)
        )
        return Person(account.id, username, {"Authorization": f"Bearer {token.access_token}"})


def unit_code_of(person: Person) -> str:
    """The unit code behind a unit person's username."""
    return person.username.removeprefix("unit-")


def make_report(
    session: Session,
    reporter: Person,
    *,
    category: str = GARBAGE,
    grid: str = GRID,
    description: str = "小区门口垃圾堆放",
    created_at: datetime | None = None,
) -> Report:
    """A submitted report inserted directly in `grid`, with its first timeline entry."""
    area = grid_by_code(session, grid)
    assert area is not None
    lon, lat = GRID_POINT
    report = Report(
        reporter_id=reporter.id,
        client_id=str(uuid.uuid4()),
        fingerprint="0" * 64,
        category_code=category,
        description=description,
        lat=lat,
        lon=lon,
        channel=Channel.APP,
        grid_code=area.code,
        community_code=area.parent_code,
        area_path=area.path,
    )
    if created_at is not None:
        report.created_at = report.updated_at = created_at
    session.add(report)
    session.flush()
    record_event(
        session, report, "submitted", actor_id=reporter.id, to_status=ReportStatus.SUBMITTED
    )
    # Counted in the figures as the service counts what it creates.
    count_report(session, report.id)
    session.commit()
    return report


def after_photo() -> tuple[str, tuple[str, bytes, str]]:
    """One multipart `photo` part holding a small JPEG."""
    return ("photo", ("after.jpg", make_jpeg(64, 48), "image/jpeg"))


class Steps:
    """The workflow's API calls, each asserting that it succeeded and returning the JSON."""

    def __init__(self, client: TestClient, people: People) -> None:
        self.client = client
        self.people = people

    def post(self, path: str, person: Person, **kwargs: Any) -> httpx.Response:
        return self.client.post(f"/api/v1{path}", headers=person.headers, **kwargs)

    def get(self, path: str, person: Person, **kwargs: Any) -> httpx.Response:
        return self.client.get(f"/api/v1{path}", headers=person.headers, **kwargs)

    def accept(self, report_id: int, by: Person | None = None) -> JSON:
        return self._ok(self.post(f"/reports/{report_id}/accept", by or self._coordinator, json={}))

    def reject(self, report_id: int, reason: str = "不属于网格事项") -> JSON:
        response = self.post(
            f"/reports/{report_id}/reject", self._coordinator, json={"reason": reason}
        )
        return self._ok(response)

    def merge(self, report_id: int, into: int) -> JSON:
        response = self.post(f"/reports/{report_id}/merge", self._coordinator, json={"into": into})
        return self._ok(response)

    def dispatch(self, report_id: int, unit: Person, **fields: Any) -> JSON:
        body = {"unit_code": unit_code_of(unit), "note": "请尽快处置", **fields}
        response = self.post(f"/reports/{report_id}/tasks", self._coordinator, json=body)
        return self._ok(response, 201)

    def take(self, task_id: int, unit: Person) -> JSON:
        return self._ok(self.post(f"/tasks/{task_id}/accept", unit))

    def hand_back(self, task_id: int, unit: Person, reason: str = "不属于本单位职责") -> JSON:
        return self._ok(self.post(f"/tasks/{task_id}/return", unit, json={"reason": reason}))

    def complete(self, task_id: int, unit: Person, note: str = "已清理完毕") -> JSON:
        response = self.post(
            f"/tasks/{task_id}/complete", unit, data={"note": note}, files=[after_photo()]
        )
        return self._ok(response)

    def approve(self, report_id: int) -> JSON:
        body = {"approved": True, "note": "核查通过"}
        return self._ok(self.post(f"/reports/{report_id}/verify", self._coordinator, json=body))

    def rework(self, report_id: int, note: str = "仍有垃圾残留", **fields: Any) -> JSON:
        body = {"approved": False, "note": note, **fields}
        return self._ok(self.post(f"/reports/{report_id}/verify", self._coordinator, json=body))

    def reopen(self, report_id: int, reporter: Person, reason: str = "问题仍未解决") -> JSON:
        return self._ok(
            self.post(f"/reports/{report_id}/reopen", reporter, json={"reason": reason})
        )

    def report(self, report_id: int, viewer: Person | None = None) -> JSON:
        return self._ok(self.get(f"/reports/{report_id}", viewer or self._coordinator))

    def notifications(self, person: Person) -> list[JSON]:
        items: list[JSON] = self._ok(self.get("/me/notifications", person))["items"]
        return items

    def to_resolved(self, report_id: int, unit: Person, *, accepted: bool = False) -> int:
        """Accept (unless `accepted`), dispatch to `unit`, take and complete; the task id."""
        if not accepted:
            self.accept(report_id)
        task_id: int = self.dispatch(report_id, unit)["id"]
        self.take(task_id, unit)
        self.complete(task_id, unit)
        return task_id

    @property
    def _coordinator(self) -> Person:
        return self.people.coordinator

    @staticmethod
    def _ok(response: httpx.Response, status: int = 200) -> JSON:
        assert response.status_code == status, response.text
        body: JSON = response.json()
        return body
