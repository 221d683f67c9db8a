"""Every database test here ends by checking the points ledger invariant: ending an account
anonymises the ledger, it must not unbalance it."""

from tests.points.ledger_check import ledger_invariant  # noqa: F401
