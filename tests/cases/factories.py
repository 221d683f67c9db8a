"""Plain factories for case-workflow tests: the categories they use and the API steps."""

from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.factories import OTHER_COMMUNITY
from tests.fixtures.people import People, Person, unit_code_of
from tests.photos.factories import make_jpeg

GAS_LEAK = "0403"  # 燃气管道破裂: an emergency, 1 wall-clock hour
OTHER_GRID = OTHER_COMMUNITY + "001"  # a grid of OTHER_COMMUNITY, in the other town
JSON = dict[str, Any]


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
