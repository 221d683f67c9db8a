"""The test clients: they ask for English answers (`Accept-Language: en`), in which the tests'
assertions on messages are written; tests/core/test_languages.py checks the Chinese ones."""

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

ENGLISH = {"Accept-Language": "en"}


def english_client(app: FastAPI, **kwargs: Any) -> TestClient:
    """A TestClient of `app` that asks for English unless a request says otherwise."""
    return TestClient(app, headers={**ENGLISH, **kwargs.pop("headers", {})}, **kwargs)
