"""Fixtures of the API-key tests: the case tests' people and steps."""

from tests.cases.conftest import people, steps

__all__ = ["people", "steps"]
