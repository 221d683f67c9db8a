"""The accounts of a handling unit's staff, kept by the coordinators of its community."""

from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus, Role
from app.accounts.schemas import StaffAccountCreate
from app.accounts.service import create_account
from app.core.errors import NotFound
from app.core.messages import Message
from app.units.models import Unit


def staff_of(session: Session, unit_id: int) -> list[Account]:
    """The unit's accounts, oldest first (API-key accounts are the integrations page's)."""
    return list(
        session.exec(
            select(Account)
            .where(Account.unit_id == unit_id, col(Account.is_integration).is_(False))
            .order_by(col(Account.id))
        )
    )


def add_staff(session: Session, unit: Unit, body: StaffAccountCreate) -> Account:
    """A new active login for the unit (flushes; 409 if the username is taken)."""
    return create_account(
        session,
        role=Role.UNIT,
        username=body.username,
        password=body.password,
        display_name=body.display_name,
        unit_code=unit.code,
    )


def set_staff_status(
    session: Session, unit_id: int, account_id: int, status: AccountStatus
) -> Account:
    """Let a staff account log in again, or stop it at once: every request checks the status,
    so its tokens stop working too (flushes)."""
    account = session.get(Account, account_id)
    if account is None or account.unit_id != unit_id or account.is_integration:
        raise NotFound(Message("accounts.no-staff-account", account_id=account_id))
    account.status = status
    session.add(account)
    session.flush()
    return account
