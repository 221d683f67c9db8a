"""The figures tests use the case-workflow people and steps."""

from tests.cases.conftest import people, steps

__all__ = ["people", "steps"]
