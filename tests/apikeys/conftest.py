"""Fixtures of the API-key tests: the case tests' steps (the people come from tests/conftest.py)."""

from tests.cases.conftest import steps

__all__ = ["steps"]
