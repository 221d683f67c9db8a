"""Rider registration (报到备案) and its review, rider profiles, and the list of volunteer teams
(a team's page, with its points, is in app.points.team_router)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from app.accounts.deps import AreaManagerAccount, CurrentScope
from app.accounts.models import Account, AccountStatus
from app.core.clock import utcnow
from app.core.deps import ReadSession, SettingsDep, WriteSession, client_address_of
from app.core.inputs import DbId
from app.core.pagination import parse_id_cursor
from app.riders import registration_limit, service
from app.riders.deps import RegistrantAccount
from app.riders.models import RiderProfile, RiderRole
from app.riders.privacy_notice import CURRENT_NOTICE
from app.riders.public import rider_public
from app.riders.schemas import (
    PrivacyNoticePublic,
    ProfileChanges,
    Rejection,
    RiderChangesByManager,
    RiderDetail,
    RiderList,
    RiderRegistered,
    RiderRegistration,
    TeamList,
    TeamPublic,
)

router = APIRouter(tags=["riders"])


def _detail(profile: RiderProfile, account: Account, viewer: Account) -> RiderDetail:
    return RiderDetail(
        **rider_public(profile, account.status, viewer=viewer).model_dump(),
        registered_at=profile.registered_at,
        reviewed_at=profile.reviewed_at,
        rejection_reason=profile.rejection_reason,
        privacy_consent_version=profile.privacy_consent_version,
        privacy_consented_at=profile.privacy_consented_at,
    )


@router.get("/privacy-notice", response_model=PrivacyNoticePublic)
def privacy_notice() -> PrivacyNoticePublic:
    """The privacy notice (隐私告知) in force: registration sends its `version` back as consent."""
    return PrivacyNoticePublic(
        version=CURRENT_NOTICE.version,
        text_zh=CURRENT_NOTICE.text_zh,
        text_en=CURRENT_NOTICE.text_en,
    )


@router.post(
    "/riders",
    response_model=RiderRegistered,
    status_code=status.HTTP_201_CREATED,
    responses={429: {"description": "too many registrations from this address in an hour"}},
)
def register(
    body: RiderRegistration, request: Request, session: WriteSession, settings: SettingsDep
) -> RiderRegistered:
    """报到备案: a rider registers with a community and waits for approval.

    The answer is the same whether or not the number was registered already (nothing is stored
    or changed for a taken number), and each address may register a few riders an hour."""
    registration_limit.count_attempt(session, settings, client_address_of(request))
    row = service.register_rider(session, **body.model_dump())
    session.commit()
    if row is None:
        return RiderRegistered(
            id=service.next_account_id(session),
            status=AccountStatus.PENDING,
            privacy_consented_at=utcnow(),
            **body.model_dump(exclude={"password"}),
        )
    profile, account = row
    assert account.id is not None
    return RiderRegistered(
        id=account.id,
        status=account.status,
        name=profile.name,
        phone=profile.phone,
        platform=profile.platform,
        party_member=profile.party_member,
        community_code=profile.community_code,
        team_id=profile.team_id,
        roles=[RiderRole(role) for role in profile.roles],
        privacy_consent_version=profile.privacy_consent_version,
        privacy_consented_at=profile.privacy_consented_at,
    )


@router.get("/riders", response_model=RiderList)
def list_riders(
    session: ReadSession,
    manager: AreaManagerAccount,
    scope: CurrentScope,
    status: AccountStatus | None = None,
    community_code: Annotated[str | None, Query(max_length=32)] = None,
    team_id: DbId | None = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> RiderList:
    """Riders of the caller's communities, e.g. status=pending for 报到备案 review."""
    rows = service.list_riders(
        session,
        scope,
        status=status,
        community_code=community_code,
        team_id=team_id,
        after_id=parse_id_cursor(cursor),
        limit=limit,
    )
    items = [rider_public(profile, account.status, viewer=manager) for profile, account in rows]
    return RiderList(items=items, next_cursor=str(items[-1].id) if len(items) == limit else None)


@router.get("/riders/{rider_id}", response_model=RiderDetail)
def get_rider(
    rider_id: DbId, session: ReadSession, manager: AreaManagerAccount, scope: CurrentScope
) -> RiderDetail:
    """One rider of the caller's communities."""
    profile, account = service.rider_in_scope(session, scope, rider_id)
    return _detail(profile, account, manager)


@router.patch("/riders/{rider_id}", response_model=RiderDetail)
def update_rider(
    rider_id: DbId,
    body: RiderChangesByManager,
    session: WriteSession,
    manager: AreaManagerAccount,
    scope: CurrentScope,
) -> RiderDetail:
    """Move a rider to another team of their community, or set their roles (四员)."""
    profile, account = service.rider_in_scope(session, scope, rider_id)
    service.update_profile(session, profile, body.model_dump(exclude_unset=True))
    session.commit()
    return _detail(profile, account, manager)


@router.post("/riders/{rider_id}/approve", response_model=RiderDetail)
def approve_rider(
    rider_id: DbId, session: WriteSession, manager: AreaManagerAccount, scope: CurrentScope
) -> RiderDetail:
    """报到备案 approved: the rider becomes active (earns points, takes checks, redeems)."""
    profile, account = service.approve_rider(session, scope, rider_id, actor_id=scope.account_id)
    session.commit()
    return _detail(profile, account, manager)


@router.post("/riders/{rider_id}/reject", response_model=RiderDetail)
def reject_rider(
    rider_id: DbId,
    body: Rejection,
    session: WriteSession,
    manager: AreaManagerAccount,
    scope: CurrentScope,
) -> RiderDetail:
    """报到备案 refused, with the reason."""
    profile, account = service.reject_rider(
        session, scope, rider_id, actor_id=scope.account_id, reason=body.reason
    )
    session.commit()
    return _detail(profile, account, manager)


@router.get("/me/profile", response_model=RiderDetail)
def my_profile(session: ReadSession, rider: RegistrantAccount) -> RiderDetail:
    """My rider profile, full phone included (also while my registration is pending)."""
    profile, account = service.own_profile(session, rider)
    return _detail(profile, account, rider)


@router.patch("/me/profile", response_model=RiderDetail)
def update_my_profile(
    body: ProfileChanges, session: WriteSession, rider: RegistrantAccount
) -> RiderDetail:
    """Change my name, platform, party membership, team (in my community) or roles (also while
    my registration is pending)."""
    profile, account = service.own_profile(session, rider)
    changes = body.model_dump(exclude_unset=True)
    service.update_profile(session, profile, changes)
    if changes.get("name"):
        account.display_name = profile.name
        session.add(account)
    session.commit()
    return _detail(profile, account, rider)


@router.get("/teams", response_model=TeamList)
def list_teams(
    session: ReadSession, community_code: Annotated[str | None, Query(max_length=32)] = None
) -> TeamList:
    """Volunteer teams, for the registration form."""
    teams = service.list_teams(session, community_code)
    return TeamList(
        items=[
            TeamPublic(id=t.id, name=t.name, community_code=t.community_code)
            for t in teams
            if t.id is not None
        ]
    )
