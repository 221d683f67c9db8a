"""Keys made through the admin API, as an integrator would receive them."""

from typing import Any

from fastapi.testclient import TestClient

from tests.fixtures.people import Person


def issue_key(client: TestClient, admin: Person, *scopes: str, **fields: Any) -> Person:
    """A new API key with these scopes, as a Person whose headers send it."""
    body = {"name": fields.pop("name", "12345 热线"), "scopes": list(scopes), **fields}
    response = client.post("/api/v1/api-keys", headers=admin.headers, json=body)
    assert response.status_code == 201, response.text
    issued = response.json()
    return Person(issued["id"], issued["name"], {"X-API-Key": issued["key"]})
