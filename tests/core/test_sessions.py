"""Every route names its session: GETs and the photo uploads never open a write session, and a
route that writes in its own session opens a write session."""

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

import app
from app.core.deps import get_read_session, get_write_session

# The routes that take photos write through the photos intake unit, in a session of its own.
PHOTO_ROUTES = {
    ("POST", "/reports"),
    ("POST", "/tasks/{task_id}/complete"),
    ("POST", "/verifications/{verification_id}/submit"),
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _routes() -> list[tuple[str, APIRoute]]:
    """(method, route) for every route of every domain's router module."""
    routes = []
    for domain in pkgutil.iter_modules(app.__path__):
        if not domain.ispkg or importlib.util.find_spec(f"app.{domain.name}.router") is None:
            continue
        router = importlib.import_module(f"app.{domain.name}.router").router
        assert isinstance(router, APIRouter)
        for route in router.routes:
            if isinstance(route, APIRoute):
                routes += [(method, route) for method in route.methods]
    return routes


def _calls(dependant: Dependant) -> set[Callable[..., Any] | None]:
    calls = {dependant.call}
    for dependency in dependant.dependencies:
        calls |= _calls(dependency)
    return calls


def _own_session(route: APIRoute) -> Callable[..., Any] | None:
    """The dependency behind the endpoint's own `session` parameter, if it has one."""
    return next((d.call for d in route.dependant.dependencies if d.name == "session"), None)


def test_no_get_route_opens_a_write_session() -> None:
    gets = [route for method, route in _routes() if method == "GET"]

    assert len(gets) > 20
    assert [route.path for route in gets if get_write_session in _calls(route.dependant)] == []


def test_photo_routes_open_no_write_session_of_their_own() -> None:
    photo_routes = [route for method, route in _routes() if (method, route.path) in PHOTO_ROUTES]

    assert len(photo_routes) == len(PHOTO_ROUTES)
    assert [r.path for r in photo_routes if get_write_session in _calls(r.dependant)] == []


def test_every_other_route_that_writes_declares_a_write_session() -> None:
    writing = [
        (method, route.path)
        for method, route in _routes()
        if method in WRITE_METHODS and _own_session(route) is not None
    ]
    reading = {
        (method, route.path)
        for method, route in _routes()
        if method in WRITE_METHODS and _own_session(route) is get_read_session
    }

    assert len(writing) > 20
    assert reading <= PHOTO_ROUTES
