"""Browser-side hardening, tried as an attacker would: framing, injected scripts, cached
tokens, a CDN on the docs page, and a stolen token that outlives its logout."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import RevokedToken, Role
from app.core.clock import utcnow
from tests.factories import PASSWORD, assert_problem, login, make_account

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
PAGES = ["/", "/console/", "/docs"]


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_inline_script_and_being_framed(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    policy = _directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_worker_and_api_answers_carry_the_policy_too(client: TestClient) -> None:
    for path in ("/sw.js", "/api/v1/categories"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _directives(response.headers["content-security-policy"])["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/js/app.js", "/css/app.css", "/icons/icon-192.png"])
def test_files_a_page_loads_leave_out_the_document_policy(client: TestClient, path: str) -> None:
    """The policy binds only the document or worker it comes with: on a module, stylesheet or
    image it is ignored, and sending it would weigh on every request of the first load."""
    response = client.get(path)
    assert response.status_code == 200
    assert "content-security-policy" not in response.headers
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("page", sorted(FRONTEND.rglob("*.html")), ids=lambda p: p.name)
def test_no_page_holds_inline_script_style_or_handlers(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts, "a page without its script"
    assert all("src=" in attributes for attributes in scripts)
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)


def test_no_script_of_the_web_apps_sets_a_style_attribute() -> None:
    offenders = [
        str(path.relative_to(FRONTEND))
        for path in FRONTEND.rglob("*.js")
        # A `style: "width:…"` prop becomes a style attribute (not Intl's `style: "percent"`).
        if re.search(
            r"""\bstyle:\s*[`'"][^`'"]*:|setAttribute\(\s*['"]style['"]""", path.read_text()
        )
    ]
    assert offenders == []


def test_token_and_api_answers_are_never_stored_by_a_cache(
    client: TestClient, session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    token = client.post("/api/v1/auth/token", data={"username": "root", "password": PASSWORD})
    assert token.status_code == 200
    assert token.headers["cache-control"] == "no-store"
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/api/v1/me", headers=headers).headers["cache-control"] == "no-store"
    refused = client.get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.headers["cache-control"] == "no-store"


def test_the_docs_page_loads_only_files_this_server_serves(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert references
    for reference in references:
        assert reference.startswith("/"), f"{reference} is not on this origin"
        assert not reference.startswith("//")
        assert client.get(reference).status_code == 200, reference
    starter = client.get("/docs/init.js").text
    assert "/openapi.json" in starter
    assert "http" not in starter.replace("${location.origin}", "")
    assert client.get("/docs/ui/oauth2-redirect.html").status_code == 200
    assert client.get("/redoc").status_code == 404  # FastAPI's would load a CDN


def test_logging_out_ends_the_session_for_every_copy_of_its_token(
    client: TestClient, session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    stolen = login(client, "root")
    other_device = login(client, "root")
    assert client.post("/api/v1/auth/logout", headers=stolen).status_code == 204
    assert_problem(client.get("/api/v1/me", headers=stolen), 401)
    assert_problem(client.post("/api/v1/auth/logout", headers=stolen), 401)
    assert_problem(
        client.get("/api/v1/reports/stream", params={"access_token": stolen["Authorization"][7:]}),
        401,
    )
    assert client.get("/api/v1/me", headers=other_device).status_code == 200


def test_logout_forgets_revocations_of_tokens_that_expired_anyway(
    client: TestClient, session: Session
) -> None:
    make_account(session, Role.ADMIN, "root")
    session.add(RevokedToken(jti="0" * 32, expires_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    assert client.post("/api/v1/auth/logout", headers=login(client, "root")).status_code == 204
    kept = session.exec(select(RevokedToken.jti)).all()
    session.rollback()
    assert len(kept) == 1
    assert kept[0] != "0" * 32
