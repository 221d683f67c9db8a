"""API keys, for admins: create (the key is shown once), list, revoke."""

from fastapi import APIRouter, Response, status
from sqlmodel import Session, col, select

from app.accounts.deps import AdminAccount
from app.accounts.keys import KEY_PREFIX
from app.accounts.models import ApiKey, ApiScope
from app.apikeys import service
from app.apikeys.schemas import ApiKeyCreate, ApiKeyList, ApiKeyPublic, IssuedApiKey
from app.core.deps import ReadSession, WriteSession
from app.core.inputs import DbId
from app.units.models import Unit

router = APIRouter(tags=["integrations"])


@router.post("/api-keys", response_model=IssuedApiKey, status_code=status.HTTP_201_CREATED)
def create_api_key(body: ApiKeyCreate, session: WriteSession, admin: AdminAccount) -> IssuedApiKey:
    """A key for another system. Copy `key` now: only its hash is kept."""
    issued = service.create_key(
        session,
        service.NewKey(
            name=body.name.strip(),
            scopes=frozenset(body.scopes),
            community_code=body.community_code,
            unit_code=body.unit_code,
            rate_limit_per_minute=body.rate_limit_per_minute,
        ),
        created_by=admin,
    )
    session.commit()
    public = _present(session, [issued.api_key])[0]
    return IssuedApiKey(**public.model_dump(), key=issued.key)


@router.get("/api-keys", response_model=ApiKeyList)
def list_api_keys(session: ReadSession, _admin: AdminAccount) -> ApiKeyList:
    """Every key, newest first, with when it was last used and whether it is revoked."""
    return ApiKeyList(items=_present(session, service.list_keys(session)))


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(key_id: DbId, session: WriteSession, _admin: AdminAccount) -> Response:
    """Revoke a key: its next request is refused with 401. Revoking twice is harmless."""
    service.revoke_key(session, key_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _present(session: Session, keys: list[ApiKey]) -> list[ApiKeyPublic]:
    unit_ids = {key.unit_id for key in keys if key.unit_id is not None}
    unit_codes = dict(
        session.exec(select(Unit.id, Unit.code).where(col(Unit.id).in_(unit_ids))).all()
        if unit_ids
        else []
    )
    return [
        ApiKeyPublic(
            id=key.id,
            name=key.name,
            scopes=[ApiScope(scope) for scope in sorted(key.scope_set)],
            community_code=key.community_code,
            unit_code=unit_codes.get(key.unit_id),
            rate_limit_per_minute=key.rate_limit_per_minute,
            key_prefix=f"{KEY_PREFIX}{key.prefix}",
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )
        for key in keys
    ]
