"""The figures tests use the case-workflow steps (the people come from tests/conftest.py)."""

from tests.cases.conftest import steps

__all__ = ["steps"]
