"""Every database test here ends by checking the points ledger invariant."""

from tests.points.ledger_check import ledger_invariant  # noqa: F401
