"""Account-wide role rules: who may do what by role alone, and what the others are told.

Each domain keeps the rules only it uses in its own `access.py`; the guards that enforce a
rule on a route are `admitting(rule)` in `app/accounts/deps.py`.
"""

from dataclasses import dataclass

from app.accounts.models import Role
from app.core.errors import Forbidden
from app.core.messages import Message

ROLE_REFUSAL = Message("accounts.role-refused")


@dataclass(frozen=True)
class RoleRule:
    """The roles a rule admits, and the refusal (403) the others get."""

    roles: frozenset[Role]
    refusal: Message = ROLE_REFUSAL

    def admits(self, role: Role) -> bool:
        return role in self.roles

    def check(self, role: Role) -> None:
        """403 with the rule's refusal unless it admits `role`."""
        if role not in self.roles:
            raise Forbidden(self.refusal)

    def refusing(self, refusal: Message) -> "RoleRule":
        """The same roles, refused in other words."""
        return RoleRule(self.roles, refusal)

    def __or__(self, other: "RoleRule") -> "RoleRule":
        return RoleRule(self.roles | other.roles, self.refusal)


ADMINS = RoleRule(frozenset({Role.ADMIN}))
# Area managers: admins (every area) and coordinators (their own areas). They manage riders,
# teams, notices, rewards and cases, see callers' details and follow urgent reports.
AREA_MANAGERS = RoleRule(frozenset({Role.ADMIN, Role.COORDINATOR}))
RIDERS = RoleRule(frozenset({Role.RIDER}))
# Who may use the console: the area managers and the handling units.
CONSOLE_USERS = RoleRule(frozenset({Role.ADMIN, Role.COORDINATOR, Role.UNIT}))
