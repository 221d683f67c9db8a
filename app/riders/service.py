"""Rider registration (报到备案) and its review, rider profiles, and volunteer teams."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, true, update
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus, Role
from app.accounts.scope import Scope
from app.accounts.service import coordinators_covering, create_account
from app.core.area_paths import under_any
from app.core.clock import utcnow
from app.core.conditional import update_or_conflict
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.core.messages import Message
from app.core.security import verify_password
from app.grids.models import Grid, GridLevel
from app.notifications.messages import NotificationText, rider_registered_message
from app.notifications.service import notify
from app.riders.access import REGISTRANTS
from app.riders.models import Platform, RiderProfile, RiderRole, Team
from app.riders.privacy_notice import CURRENT_NOTICE

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
RiderRow = tuple[RiderProfile, Account]


def register_rider(
    session: Session,
    *,
    phone: str,
    name: str,
    password: str,
    platform: Platform,
    party_member: bool,
    community_code: str,
    team_id: int | None,
    privacy_consent_version: str,
    roles: Sequence[RiderRole] = (),
) -> RiderRow | None:
    """A pending rider account and its profile, its coordinators notified (flushes; the caller
    commits).

    A number that is registered already gives its own registration back when the password is
    its own (a form sent twice), and None otherwise, with nothing stored: the caller answers as
    it would for a new number, so that the form does not tell strangers who is registered.
    """
    if not MAINLAND_MOBILE.match(phone):
        raise Unprocessable.for_field("phone", Message("riders.bad-phone"))
    check_consent(privacy_consent_version)
    community = community_of(session, community_code)
    if community is None:
        raise Unprocessable.for_field(
            "community_code", Message("riders.no-community", code=community_code)
        )
    if team_id is not None:
        _team_in_community(session, team_id, community_code)
    holder = session.exec(select(Account).where(Account.username == phone)).first()
    if holder is not None:
        # Verifying costs what hashing a new password does: the answer takes as long either way.
        if not verify_password(holder.password_hash, password):
            return None
        profile = session.get(RiderProfile, holder.id)
        return (profile, holder) if profile is not None else None
    account = create_account(
        session,
        role=Role.RIDER,
        username=phone,
        password=password,
        display_name=name,
        status=AccountStatus.PENDING,
    )
    assert account.id is not None
    profile = RiderProfile(
        account_id=account.id,
        name=name,
        phone=phone,
        platform=platform,
        party_member=party_member,
        community_code=community_code,
        team_id=team_id,
        roles=role_values(roles),
        privacy_consent_version=privacy_consent_version,
        privacy_consented_at=utcnow(),
    )
    session.add(profile)
    session.flush()
    notify(
        session,
        coordinators_covering(session, community.path),
        rider_registered_message(name, community.name),
        dedupe_key=f"rider:{account.id}:registered",
    )
    return profile, account


def check_consent(version: str) -> None:
    """422 unless the rider agreed to the notice in force (a stale app shows an old one)."""
    if version != CURRENT_NOTICE.version:
        raise Unprocessable.for_field(
            "privacy_consent_version",
            Message("riders.consent-outdated", version=CURRENT_NOTICE.version),
        )


def next_account_id(session: Session) -> int:
    """The id a new account would probably get: what a registration of a taken number shows."""
    return (session.exec(select(func.max(Account.id))).one() or 0) + 1


def role_values(roles: Iterable[RiderRole]) -> list[str]:
    """Roles as stored: each once, in the order of the four roles."""
    chosen = set(roles)
    return [role.value for role in RiderRole if role in chosen]


def community_of(session: Session, code: str) -> Grid | None:
    """The community (level community) with this code."""
    return session.exec(
        select(Grid).where(Grid.code == code, Grid.level == GridLevel.COMMUNITY)
    ).first()


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """SQL condition on RiderProfile: riders whose community lies in the area manager's scope."""
    if scope.area_paths is None:
        return true()
    communities = select(Grid.code).where(under_any(Grid.path, scope.area_paths))
    return col(RiderProfile.community_code).in_(communities)


def list_riders(
    session: Session,
    scope: Scope,
    *,
    status: AccountStatus | None,
    community_code: str | None,
    team_id: int | None,
    after_id: int | None,
    limit: int,
) -> list[RiderRow]:
    """Riders in the scope, oldest registration first, `limit` after the id `after_id`."""
    # Both ids are the same; paging by the one of the table whose index serves the filter lets
    # SQLite read that index in order (it does not carry an order across the join).
    by_status = status is not None and not community_code
    rider_id = col(Account.id) if by_status else col(RiderProfile.account_id)
    query = (
        select(RiderProfile, Account)
        .join(Account, col(Account.id) == col(RiderProfile.account_id))
        .where(in_scope(scope))
        .order_by(rider_id)
        .limit(limit)
    )
    if status is not None:
        query = query.where(Account.status == status)
    if community_code:
        query = query.where(RiderProfile.community_code == community_code)
    if team_id is not None:
        query = query.where(RiderProfile.team_id == team_id)
    if after_id is not None:
        query = query.where(rider_id > after_id)
    return [(profile, account) for profile, account in session.exec(query)]


def rider_of(session: Session, account_id: int) -> RiderRow | None:
    """A rider's profile and account, whatever the status."""
    row = session.exec(
        select(RiderProfile, Account)
        .join(Account, col(Account.id) == col(RiderProfile.account_id))
        .where(RiderProfile.account_id == account_id)
    ).first()
    return None if row is None else (row[0], row[1])


def rider_in_scope(session: Session, scope: Scope, rider_id: int) -> RiderRow:
    """A rider whose community the area manager covers; 404 otherwise."""
    row = session.exec(
        select(RiderProfile, Account)
        .join(Account, col(Account.id) == col(RiderProfile.account_id))
        .where(RiderProfile.account_id == rider_id, in_scope(scope))
    ).first()
    if row is None:
        raise NotFound(Message("riders.no-rider", rider_id=rider_id))
    return row[0], row[1]


def active_rider(session: Session, account_id: int) -> RiderProfile | None:
    """The profile of an approved (active) rider; None for anyone else."""
    row = rider_of(session, account_id)
    if row is None or row[1].status is not AccountStatus.ACTIVE:
        return None
    return row[0]


def own_profile(session: Session, account: Account) -> RiderRow:
    """The calling rider's own profile; 403 for accounts that are not riders."""
    assert account.id is not None
    row = rider_of(session, account.id) if REGISTRANTS.admits(account.role) else None
    if row is None:
        raise Forbidden(REGISTRANTS.refusal)
    return row


def approve_rider(session: Session, scope: Scope, rider_id: int, *, actor_id: int) -> RiderRow:
    """报到备案 approved: pending -> active (flushes); 409 if it was already reviewed."""
    return _review(session, scope, rider_id, AccountStatus.ACTIVE, actor_id=actor_id, reason=None)


def reject_rider(
    session: Session, scope: Scope, rider_id: int, *, actor_id: int, reason: str
) -> RiderRow:
    """报到备案 refused with a reason: pending -> rejected (flushes)."""
    return _review(
        session, scope, rider_id, AccountStatus.REJECTED, actor_id=actor_id, reason=reason
    )


def _review(
    session: Session,
    scope: Scope,
    rider_id: int,
    target: AccountStatus,
    *,
    actor_id: int,
    reason: str | None,
) -> RiderRow:
    profile, account = rider_in_scope(session, scope, rider_id)
    # Conditional on pending: of two coordinators reviewing at once, exactly one decides.
    update_or_conflict(
        session,
        Account,
        account,
        expected={"status": AccountStatus.PENDING},
        values={"status": target},
        conflict=lambda: Conflict(Message("riders.already-reviewed", status=account.status.value)),
    )
    profile.reviewed_at = utcnow()
    profile.reviewed_by_id = actor_id
    profile.rejection_reason = reason
    session.add(profile)
    session.flush()
    notify(session, [rider_id], _review_message(target, reason), dedupe_key="rider-review")
    return profile, account


def _review_message(target: AccountStatus, reason: str | None) -> NotificationText:
    if target is AccountStatus.ACTIVE:
        return NotificationText(
            "rider_approved",
            Message("notifications.rider-approved"),
            Message("notifications.rider-approved-body"),
        )
    return NotificationText("rider_rejected", Message("notifications.rider-rejected"), reason or "")


def update_profile(
    session: Session, profile: RiderProfile, changes: dict[str, Any]
) -> RiderProfile:
    """Apply the given changes (name, platform, party_member, team_id, roles); flushes.
    A null team_id leaves the team; other nulls change nothing."""
    changes = {f: v for f, v in changes.items() if v is not None or f == "team_id"}
    if "team_id" in changes and changes["team_id"] != profile.team_id:
        if changes["team_id"] is not None:
            _team_in_community(session, changes["team_id"], profile.community_code)
        _step_down_as_leader(session, profile)
    for field, value in changes.items():
        setattr(profile, field, role_values(value) if field == "roles" else value)
    session.add(profile)
    session.flush()
    return profile


def _step_down_as_leader(session: Session, profile: RiderProfile) -> None:
    # A rider who leaves a team no longer leads it.
    session.execute(
        update(Team)
        .where(col(Team.leader_account_id) == profile.account_id)
        .values(leader_account_id=None)
        .execution_options(synchronize_session="fetch")
    )


def _team_in_community(session: Session, team_id: int, community_code: str) -> Team:
    team = session.get(Team, team_id)
    if team is None or team.community_code != community_code:
        raise Unprocessable.for_field("team_id", Message("riders.team-not-in-community"))
    return team


def list_teams(session: Session, community_code: str | None) -> list[Team]:
    """Volunteer teams, optionally of one community."""
    query = select(Team).order_by(col(Team.community_code), col(Team.id))
    if community_code:
        query = query.where(Team.community_code == community_code)
    return list(session.exec(query))


def get_team(session: Session, team_id: int) -> Team:
    """One team, or 404."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(Message("riders.no-team", team_id=team_id))
    return team


def create_team(
    session: Session, scope: Scope, *, name: str, community_code: str, area_name: str
) -> Team:
    """A new volunteer team in a community the caller administers (flushes)."""
    community = community_of(session, community_code)
    if community is None:
        raise Unprocessable.for_field(
            "community_code", Message("riders.no-community", code=community_code)
        )
    if not scope.covers(community.path):
        raise Forbidden(Message("riders.not-your-community"))
    team = Team(name=name, community_code=community_code, area_name=area_name)
    session.add(team)
    session.flush()
    return team


def update_team(session: Session, scope: Scope, team_id: int, changes: dict[str, Any]) -> Team:
    """Rename a team, change its area name or set its leader (a member, active; null clears
    it); flushes. Other nulls change nothing."""
    changes = {f: v for f, v in changes.items() if v is not None or f == "leader_account_id"}
    team = get_team(session, team_id)
    community = community_of(session, team.community_code)
    if community is None or not scope.covers(community.path):
        raise Forbidden(Message("riders.not-your-team"))
    leader_id = changes.get("leader_account_id")
    if leader_id is not None:
        leader = active_rider(session, leader_id)
        if leader is None or leader.team_id != team.id:
            raise Unprocessable.for_field("leader_account_id", Message("riders.leader-not-in-team"))
    for field, value in changes.items():
        setattr(team, field, value)
    session.add(team)
    session.flush()
    return team


def team_members(session: Session, team_id: int) -> list[RiderRow]:
    """The riders of a team (active or awaiting review), by name."""
    rows = session.exec(
        select(RiderProfile, Account)
        .join(Account, col(Account.id) == col(RiderProfile.account_id))
        .where(
            RiderProfile.team_id == team_id,
            col(Account.status).in_([AccountStatus.ACTIVE, AccountStatus.PENDING]),
        )
        .order_by(col(RiderProfile.name), col(RiderProfile.account_id))
    )
    return [(profile, account) for profile, account in rows]
